#!/usr/bin/env node
// Issue 19, goal 4: how long the warm-up must be to hold the first second's timing. Each trial is a fresh process
// (the JIT and undici's parser are per process) that warms up with L requests, then runs against the built-in
// target (its own process): the open model at --rate for 2 s (late sends in the first second, its p99 against
// the second second's), and the closed model for 2 s (the first second's p99 against the second's). Lengths
// alternate in order, flipped every round, medians of the rounds.
//
//   node bench/warm-up.mjs [--rounds 3] [--lengths 0,8,100,250,500,1000,2000] [--rate 20000] [--json]
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '@volley/target';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    lengths: { type: 'string', default: '0,8,100,250,500,1000,2000' },
    rate: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '100' },
    json: { type: 'boolean' },
  },
});
const LENGTHS = values.lengths.split(',').map(Number);
const ROUNDS = Number(values.rounds);
const ENGINE = import.meta.resolve('@volley/engine');
const PLAN = import.meta.resolve('@volley/plan');
const METRICS = import.meta.resolve('@volley/metrics');

/** One trial, in a process of its own: prints { warmUpMs, late1, p99First, p99Second } as JSON. */
const TRIAL = `
const { prepare } = await import(${JSON.stringify(ENGINE)});
const { resolvePlan } = await import(${JSON.stringify(PLAN)});
const { decodeHistogram } = await import(${JSON.stringify(METRICS)});
const [url, model, length, rate, connections] = process.argv.slice(1);
const input = { url, model, connections: Number(connections), durationMs: 2000 };
if (model === 'open') input.rate = Number(rate);
const intervals = [];
const t0 = performance.now();
const prepared = prepare(resolvePlan(input), (i) => intervals.push(i), { warmUpRequests: Number(length) });
await prepared.ready;
const warmUpMs = performance.now() - t0;
await prepared.start().done;
const p99 = (i) => (i ? decodeHistogram(i.histogram).getValueAtPercentile(99) / 1000 : NaN);
console.log(JSON.stringify({ warmUpMs, late1: intervals[0]?.late ?? 0, p99First: p99(intervals[0]), p99Second: p99(intervals[1]) }));
`;

function trial(url, model, length) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', TRIAL, url, model, `${length}`, values.rate, values.connections],
      { timeout: 60_000 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))),
    );
  });
}

const target = await startTargetProcess({});
const results = new Map(LENGTHS.map((l) => [l, { open: [], closed: [] }]));
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? LENGTHS : [...LENGTHS].reverse();
    for (const length of order) {
      results.get(length).open.push(await trial(target.url, 'open', length));
      results.get(length).closed.push(await trial(target.url, 'closed', length));
    }
  }
} finally {
  await target.close();
}
const rows = LENGTHS.map((length) => {
  const { open, closed } = results.get(length);
  const m = (xs, k) => median(xs.map((x) => x[k]));
  return {
    length,
    warmUpMs: Math.round(m(open, 'warmUpMs')),
    openLateFirst: m(open, 'late1'),
    openP99Ratio: median(open.map((x) => x.p99First / x.p99Second)),
    closedP99Ratio: median(closed.map((x) => x.p99First / x.p99Second)),
  };
});
if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
else {
  console.log(
    `warm-up length vs the first second (fresh process each, medians of ${ROUNDS}; open model at ${values.rate} req/s, ${values.connections} connections)`,
  );
  console.log('  requests   warm-up ms   open: late in 1st s   open: p99 1st s / 2nd s   closed: p99 1st s / 2nd s');
  for (const r of rows) {
    console.log(
      `  ${String(r.length).padStart(8)}   ${String(r.warmUpMs).padStart(10)}   ${String(r.openLateFirst).padStart(19)}   ${r.openP99Ratio.toFixed(2).padStart(23)}   ${r.closedP99Ratio.toFixed(2).padStart(25)}`,
    );
  }
}
