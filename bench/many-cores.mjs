#!/usr/bin/env node
// Issue 19, goal 5: how `--workers` scales with cores. The target gets the last core to itself (taskset), in a
// network namespace of its own when this runs as root with `ip netns` (so the traffic crosses a veth pair, as
// between hosts, instead of the loopback shortcut); volley gets the other cores. Each round runs the closed model
// with --workers 1, 2, ... up to the cores volley has (at least 2, so a 2-core machine shows what a second thread
// costs on a shared core), alternated, and reports req/s and CPU per request: on N free cores, N threads should
// give N times one thread's rate until the target (one core) is the limit; CPU per request says what a thread
// costs whatever the core count.
//
//   node bench/many-cores.mjs [--rounds 3] [--seconds 4] [--connections 100] [--json]
import { execFile, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { freePort, median, VOLLEY } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '100' },
    json: { type: 'boolean' },
  },
});
const SECONDS = Number(values.seconds);
const CORES = availableParallelism();
const has = (cmd) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const TASKSET = has('taskset') && CORES > 1;
/** volley's cores: all but the last (the target's); the list taskset takes. */
const VOLLEY_CORES = CORES > 2 ? `0-${CORES - 2}` : '0';
const THREADS = Array.from({ length: Math.max(2, CORES - 1) }, (_, i) => i + 1);

/** A network namespace with a veth pair to this one, or undefined (and why) if it cannot be made here. */
function namespace() {
  if (process.getuid?.() !== 0 || !has('ip')) return { why: 'not root or no ip(8): target on loopback' };
  const id = process.pid % 10000;
  const ns = `vlyb${id}`;
  const [outside, inside] = [`vlybo${id}`, `vlybi${id}`];
  const subnet = `10.232.${id % 250}`;
  const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const close = () => {
    try {
      ip('netns', 'del', ns);
    } catch {}
    try {
      ip('link', 'del', outside);
    } catch {}
  };
  try {
    ip('netns', 'add', ns);
    ip('link', 'add', outside, 'type', 'veth', 'peer', 'name', inside);
    ip('link', 'set', inside, 'netns', ns);
    ip('addr', 'add', `${subnet}.1/24`, 'dev', outside);
    ip('link', 'set', outside, 'up');
    ip('-n', ns, 'addr', 'add', `${subnet}.2/24`, 'dev', inside);
    ip('-n', ns, 'link', 'set', inside, 'up');
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    return { ns, host: `${subnet}.2`, close };
  } catch (err) {
    close();
    return { why: `ip netns not permitted (${String(err.stderr ?? err).trim()}): target on loopback` };
  }
}

/** The built-in target (`volley target`), pinned to the last core, in the namespace if there is one. */
async function startTarget(net) {
  const host = net.host ?? '127.0.0.1';
  const port = net.ns ? 8080 : await freePort();
  const cmd = [process.execPath, VOLLEY, 'target', '--host', host, '-p', `${port}`];
  const pinned = TASKSET ? ['taskset', '-c', `${CORES - 1}`, ...cmd] : cmd;
  const full = net.ns ? ['ip', 'netns', 'exec', net.ns, ...pinned] : pinned;
  const child = spawn(full[0], full.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://${host}:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}

function childCpuSeconds() {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function volley(url, workers) {
  const args = [VOLLEY, 'run', url, '-c', values.connections, '-d', `${SECONDS}s`, '--workers', `${workers}`, '-q'];
  const [cmd, argv] = TASKSET ? ['taskset', ['-c', VOLLEY_CORES, process.execPath, ...args]] : [process.execPath, args];
  const cpu0 = childCpuSeconds();
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      [...argv, '--format', 'json'],
      { maxBuffer: 64 << 20, timeout: (SECONDS + 60) * 1000 },
      (err, out, e) => {
        if (err) return reject(new Error(e || err.message));
        const r = JSON.parse(out);
        resolve({ rps: r.throughput.achieved, cpuUs: ((childCpuSeconds() - cpu0) * 1e6) / r.requests.total });
      },
    );
  });
}

const net = namespace();
const target = await startTarget(net);
const runs = new Map(THREADS.map((t) => [t, []]));
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? THREADS : [...THREADS].reverse();
    for (const workers of order) runs.get(workers).push(await volley(target.url, workers));
  }
} finally {
  await target.close();
  net.close?.();
}
const rows = THREADS.map((workers) => ({
  workers,
  rps: Math.round(median(runs.get(workers).map((r) => r.rps))),
  cpuUs: median(runs.get(workers).map((r) => r.cpuUs)),
}));
if (values.json) process.stdout.write(`${JSON.stringify({ cores: CORES, netns: !!net.ns, rows })}\n`);
else {
  const where = `${net.ns ? 'in a network namespace (veth)' : net.why}${TASKSET ? `, pinned to core ${CORES - 1}` : ''}`;
  console.log(
    `--workers scaling: ${CORES} cores; target ${where}; volley on cores ${VOLLEY_CORES}; closed model, ${values.connections} connections, ${SECONDS}s, medians`,
  );
  const one = rows[0].rps;
  for (const r of rows) {
    console.log(
      `  --workers ${r.workers}: ${r.rps} req/s (${(r.rps / one).toFixed(2)}x one thread), ${r.cpuUs.toFixed(1)} µs CPU/req`,
    );
  }
}
