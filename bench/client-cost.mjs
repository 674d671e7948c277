#!/usr/bin/env node
// Issue 19, goal 2: what one closed-model request costs the client in CPU, start-up excluded: volley's engine (as
// an agent's thread runs it, measured from its start to its end, after its warm-up), a bare undici
// Client.dispatch loop, and a bare net.Socket loop (bench/peers/), each in a fresh process against the built-in
// target, alternated, medians. CPU per request hardly moves with the neighbours' load, where req/s does: this says
// how far volley is from undici, and what a client that skipped undici's per-request path (Request object, header
// processing, parser callbacks) could save at most, since the socket loop does nothing but the syscalls.
//
//   node bench/client-cost.mjs [--rounds 3] [--seconds 4] [--connections 50] [--json]
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '@volley/target';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '50' },
    json: { type: 'boolean' },
  },
});
const HERE = dirname(new URL(import.meta.url).pathname);
const ENGINE = import.meta.resolve('@volley/engine');
const PLAN = import.meta.resolve('@volley/plan');

/** volley's engine on this thread, as an agent runs it: prints { requests, seconds, cpuUs } like the peers. */
const ENGINE_RUN = `
const { prepare } = await import(${JSON.stringify(ENGINE)});
const { resolvePlan } = await import(${JSON.stringify(PLAN)});
const [url, connections, seconds] = process.argv.slice(1);
const plan = resolvePlan({ url, connections: Number(connections), durationMs: Number(seconds) * 1000 });
const prepared = prepare(plan, () => {});
await prepared.ready;
const cpu0 = process.cpuUsage();
const stats = await prepared.start().done;
const cpu = process.cpuUsage(cpu0);
const cpuUs = (cpu.user + cpu.system) / Math.max(1, stats.requests);
console.log(JSON.stringify({ requests: stats.requests, seconds: stats.durationMs / 1000, cpuUs }));
`;

const tools = [
  { name: 'volley engine', args: ['--input-type=module', '-e', ENGINE_RUN] },
  { name: 'undici dispatch', args: [join(HERE, 'peers', 'undici-dispatch.mjs')] },
  { name: 'net.Socket', args: [join(HERE, 'peers', 'socket-loop.mjs')] },
];

function run(tool, url) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...tool.args, url, values.connections, values.seconds],
      { timeout: 120_000 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))),
    );
  });
}

const target = await startTargetProcess({});
const results = new Map(tools.map((t) => [t.name, []]));
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const tool of round % 2 === 0 ? tools : [...tools].reverse())
      results.get(tool.name).push(await run(tool, target.url));
  }
} finally {
  await target.close();
}
const rows = tools.map((t) => ({
  name: t.name,
  cpuUs: median(results.get(t.name).map((r) => r.cpuUs)),
  rps: median(results.get(t.name).map((r) => r.requests / r.seconds)),
}));
if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
else {
  const [volley, undici, socket] = rows;
  console.log(
    `client CPU per request, start-up excluded (closed model, ${values.connections} connections, ${values.seconds}s, medians of ${values.rounds})`,
  );
  for (const r of rows) {
    console.log(`  ${r.name.padEnd(16)} ${r.cpuUs.toFixed(1).padStart(6)} µs CPU/req   ${Math.round(r.rps)} req/s`);
  }
  console.log(
    `  volley/undici = ${(volley.cpuUs / undici.cpuUs).toFixed(2)} (volley's own share ${(volley.cpuUs - undici.cpuUs).toFixed(1)} µs); undici/net.Socket = ${(undici.cpuUs / socket.cpuUs).toFixed(2)} (skipping undici's per-request path would save at most ${(undici.cpuUs - socket.cpuUs).toFixed(1)} µs of ${undici.cpuUs.toFixed(1)}, ${((100 * (undici.cpuUs - socket.cpuUs)) / undici.cpuUs).toFixed(0)}%)`,
  );
}
