#!/usr/bin/env node
// npm run bench: volley against its peers, side by side, against the same local target with the same connections.
// Tools alternate (ABAB..., the order flipped every round) so drift in a noisy machine hits every tool alike; the
// figure that counts is the ratio within one run, not the absolute req/s.
//
//   node bench/run.mjs [--rounds 5] [--duration 5] [--connections 50] [--quick] [--baseline DIR] [--throughput-only]
//
// --baseline DIR adds "volley (baseline)": the CLI of another built checkout (say, main before a change) in the
// same alternating rounds, so a refactor's before/after is measured in one run. --throughput-only stops after the
// throughput table.
//
// After the throughput table it runs the other goals' benches, each a script of its own in this folder: client CPU
// per request without start-up, volley's engine beside the bare undici and socket loops (client-cost.mjs), the open
// model against the closed one on the same thread (open-model.mjs), the warm-up's length against the first
// second's timing (warm-up.mjs), start-up time (startup.mjs), per-request strategy vs a bare loop
// (per-request.mjs), the highest rate held with one and two threads (rate.mjs), a controller aggregating 2,000
// agents (controller-scale.mjs), --workers against cores (many-cores.mjs), flows against fixed requests and
// templated steps against static ones (flow.mjs), and the agent's memory over a 10-minute run (memory.mjs: that
// one alone takes 10 minutes). bench/cpu-profile.mjs reads a `node --cpu-prof` profile.
// --quick only checks that everything runs (one short round each, figures meaningless): what CI can afford.
//
// Peers: autocannon (a dev dependency), a bare undici Client.dispatch loop, a net.Socket loop parsing with Node's
// own HTTP parser and a bare net.Socket loop (bench/peers/) always; wrk and hey if installed. Targets: the built-in target in its own process always; nginx too if installed
// (a target that is not itself the bottleneck). `.ci/install-bench-peers` installs nginx, wrk and hey.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '@volley/target';
import { cpuStallUs, freePort, median, VOLLEY } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    quick: { type: 'boolean' },
    baseline: { type: 'string' },
    'throughput-only': { type: 'boolean' },
  },
});
if (values.quick) Object.assign(values, { rounds: '1', duration: '1' });
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const require = createRequire(import.meta.url);
const AUTOCANNON = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

/**
 * CPU seconds used by the children this process has waited for (Linux: cutime + cstime in /proc/self/stat).
 * Each tool runs as a child, so the delta over one run is that tool's CPU, startup included.
 */
function childCpuSeconds() {
  if (!existsSync('/proc/self/stat')) return Number.NaN;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024, timeout: (SECONDS + 60) * 1000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

/** A volley CLI as a tool: `bin` is its bin/run.js. */
function volleyTool(name, bin) {
  return {
    name,
    async run(url) {
      const out = await run(process.execPath, [
        bin,
        'run',
        url,
        '-c',
        `${CONNECTIONS}`,
        '-d',
        `${SECONDS}s`,
        '--format',
        'json',
      ]);
      const r = JSON.parse(out);
      return { requests: r.requests.total, errors: r.requests.errors, seconds: r.durationMs / 1000 };
    },
  };
}

/** A bare loop of bench/peers/, in a process of its own like every tool: it prints { requests, seconds }. */
function peer(name, script) {
  const path = join(dirname(new URL(import.meta.url).pathname), 'peers', script);
  return {
    name,
    async run(url) {
      const r = JSON.parse(await run(process.execPath, [path, url, `${CONNECTIONS}`, `${SECONDS}`]));
      return { requests: r.requests, errors: r.notOk ?? 0, seconds: r.seconds };
    },
  };
}

/** Each tool reports its own count; req/s is that count over the configured duration. */
const tools = [
  volleyTool('volley', VOLLEY),
  ...(values.baseline
    ? [volleyTool('volley (baseline)', join(values.baseline, 'packages', 'cli', 'bin', 'run.js'))]
    : []),
  {
    name: 'autocannon',
    async run(url) {
      const out = await run(process.execPath, [AUTOCANNON, '-c', `${CONNECTIONS}`, '-d', `${SECONDS}`, '-j', url]);
      const r = JSON.parse(out);
      return { requests: r.requests.total, errors: r.errors + r.timeouts, seconds: r.duration };
    },
  },
  // Peers that show how far volley is from undici itself and from Node's floor (issue 19, goal 2).
  peer('undici dispatch', 'undici-dispatch.mjs'),
  // What skipping undici's per-request path would gain, responses still parsed (by Node's own llhttp).
  peer('Node parser', 'parser-loop.mjs'),
  peer('net.Socket', 'socket-loop.mjs'),
];
if (has('wrk')) {
  tools.push({
    name: 'wrk',
    async run(url) {
      const out = await run('wrk', ['-t', '1', '-c', `${CONNECTIONS}`, '-d', `${SECONDS}s`, url]);
      const requests = Number(/(\d+) requests in ([\d.]+)s/.exec(out)?.[1]);
      const seconds = Number(/requests in ([\d.]+)s/.exec(out)?.[1]);
      return { requests, errors: 0, seconds };
    },
  });
}
if (has('hey')) {
  tools.push({
    name: 'hey',
    async run(url) {
      const out = await run('hey', ['-z', `${SECONDS}s`, '-c', `${CONNECTIONS}`, url]);
      const seconds = Number(/Total:\s+([\d.]+) secs/.exec(out)?.[1]);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      return { requests: Math.round(rps * seconds), errors: 0, seconds };
    },
  });
}

/** nginx answering 200 "ok" from memory on loopback, with one worker (these machines have two cores). */
async function startNginx() {
  const dir = mkdtempSync(join(tmpdir(), 'volley-bench-nginx-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; location / { return 200 "ok"; } } }\n`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    name: 'nginx',
    url: `http://127.0.0.1:${port}/`,
    close: async () => {
      child.kill('SIGQUIT');
      await new Promise((resolve) => child.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function bench(target) {
  console.log(`\ntarget: ${target.name} (${target.url}), ${CONNECTIONS} connections, ${SECONDS}s x ${ROUNDS} rounds`);
  for (const tool of tools) await tool.run(target.url).catch(() => {}); // warm-up: JIT, page cache
  const rates = Object.fromEntries(tools.map((t) => [t.name, []]));
  const cpu = Object.fromEntries(tools.map((t) => [t.name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? tools : [...tools].reverse();
    const line = [];
    const [stall0, t0] = [cpuStallUs(), performance.now()];
    for (const tool of order) {
      const cpu0 = childCpuSeconds();
      const r = await tool.run(target.url);
      const usPerRequest = ((childCpuSeconds() - cpu0) * 1e6) / r.requests;
      const rps = r.requests / r.seconds;
      rates[tool.name].push(rps);
      cpu[tool.name].push(usPerRequest);
      line.push(
        `${tool.name} ${rps.toFixed(0)} req/s ${usPerRequest.toFixed(1)} µs CPU/req${r.errors ? ` (${r.errors} errors)` : ''}`,
      );
    }
    // How much of the round something waited for a CPU: neighbours' load, which skews every tool of the round.
    const pressure = (cpuStallUs() - stall0) / ((performance.now() - t0) * 1000);
    const loaded = Number.isNaN(pressure) ? '' : ` [CPU pressure ${(100 * pressure).toFixed(0)}%]`;
    console.log(`  round ${round + 1}${loaded}: ${line.join(', ')}`);
  }
  const volley = median(rates.volley);
  const volleyCpu = median(cpu.volley);
  console.log('  medians (req/s: higher is better; CPU per request, process start-up included: lower is better)');
  for (const tool of tools) {
    const m = median(rates[tool.name]);
    const c = median(cpu[tool.name]);
    const ratio =
      tool.name === 'volley'
        ? ''
        : `   req/s volley/${tool.name} = ${(volley / m).toFixed(2)}, CPU/req volley/${tool.name} = ${(volleyCpu / c).toFixed(2)}`;
    console.log(
      `    ${tool.name.padEnd(17)} ${m.toFixed(0).padStart(8)} req/s ${c.toFixed(1).padStart(6)} µs/req${ratio}`,
    );
  }
}

const builtin = await startTargetProcess({});
try {
  await bench({ name: 'volley target', url: builtin.url });
} finally {
  await builtin.close();
}
if (has('nginx')) {
  const nginx = await startNginx();
  try {
    await bench(nginx);
  } finally {
    await nginx.close();
  }
} else {
  console.log('\n(nginx not installed: skipped the nginx target)');
}
for (const peer of ['wrk', 'hey']) if (!has(peer)) console.log(`(${peer} not installed: skipped)`);

if (values['throughput-only']) process.exit(0);

/** The other goals, each its own script, in a child process so each starts clean. */
const QUICK = values.quick;
const others = [
  ['client-cost.mjs', QUICK ? ['--rounds', '1', '--seconds', '1'] : []],
  ['open-model.mjs', QUICK ? ['--rounds', '1', '--seconds', '1', '--fractions', '0.8'] : []],
  ['warm-up.mjs', QUICK ? ['--rounds', '1', '--lengths', '0,8'] : []],
  ['startup.mjs', QUICK ? ['--runs', '1'] : []],
  ['per-request.mjs', QUICK ? ['--rounds', '1', '--requests', '200'] : []],
  ['rate.mjs', QUICK ? ['--seconds', '1', '--rates', '500', '--workers', '1,2'] : []],
  ['controller-scale.mjs', QUICK ? ['--agents', '10', '--seconds', '2'] : []],
  ['many-cores.mjs', QUICK ? ['--rounds', '1', '--seconds', '1'] : []],
  ['flow.mjs', QUICK ? ['--rounds', '1', '--seconds', '1'] : []],
  ['memory.mjs', QUICK ? ['--quick'] : []],
];
for (const [script, args] of others) {
  console.log('');
  const path = join(dirname(new URL(import.meta.url).pathname), script);
  const out = await new Promise((resolve, reject) => {
    // memory.mjs runs for 10 minutes by itself; the others take a minute or two.
    const timeout = script === 'memory.mjs' && !QUICK ? 900_000 : 600_000;
    execFile(process.execPath, [path, ...args], { maxBuffer: 16 << 20, timeout }, (err, stdout, stderr) =>
      err ? reject(new Error(`${script} failed: ${stderr || err.message}`)) : resolve(stdout),
    );
  });
  process.stdout.write(out);
}
