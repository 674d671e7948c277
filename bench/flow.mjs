#!/usr/bin/env node
// Issue 14's performance goals: a flow of static steps against today's fixed requests (at least 0.9x), and steps
// with templates (a CSV value and a $uuid in the path and a header) against the static flow (at least 0.8x).
// One engine thread in this process, the built-in target in its own; the three variants alternate, the order
// flipped every round, after one untimed round of each (a flow is not warmed up by the engine). Ratios count.
//
//   node bench/flow.mjs [--rounds 3] [--seconds 3] [--connections 50]
import { parseArgs } from 'node:util';
import { prepare } from '@volley/engine';
import { sumCounts } from '@volley/metrics';
import { resolvePlan } from '@volley/plan';
import { startTargetProcess } from '@volley/target';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
  },
});
const ROUNDS = Number(values.rounds);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);

const target = await startTargetProcess({});
const origin = new URL(target.url).origin;
const step = (over) => ({
  name: 'get',
  method: 'GET',
  origin,
  path: '/bench?x=1',
  headers: [['x-bench', 'static']],
  body: null,
  checks: [],
  captures: [],
  think: null,
  weight: 1,
  ...over,
});
const flow = (steps, data = []) => ({
  pick: 'sequence',
  steps,
  data,
  cookies: true,
  seqStart: 0,
  seqStride: 1,
  vuStart: 1,
});
const users = {
  name: 'users',
  order: 'sequential',
  columns: ['name'],
  rows: Array.from({ length: 1000 }, (_, i) => [`user${i}`]),
};
const base = { url: `${origin}/bench?x=1`, headers: [['x-bench', 'static']], connections: CONNECTIONS };
const variants = {
  'fixed requests (today)': base,
  'flow, static step': { ...base, flow: flow([step()]) },
  'flow, templated step': {
    ...base,
    flow: flow(
      [step({ path: '/bench?u={{ users.name }}&id={{ $uuid }}', headers: [['x-request-id', '{{ $uuid }}']] })],
      [users],
    ),
  },
};

async function once(input, seconds) {
  let requests = 0;
  const run = prepare(resolvePlan({ ...input, durationMs: seconds * 1000 }), (i) => {
    requests += sumCounts(i.byStatus);
  });
  await run.ready;
  const stats = await run.start().done;
  return (requests * 1000) / stats.durationMs;
}

const names = Object.keys(variants);
const figures = Object.fromEntries(names.map((n) => [n, []]));
try {
  for (const name of names) await once(variants[name], 1);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) figures[name].push(await once(variants[name], SECONDS));
  }
} finally {
  await target.close();
}
const fixed = median(figures[names[0]]);
const staticFlow = median(figures[names[1]]);
console.log(
  `flows vs fixed requests: one thread, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s (median req/s)`,
);
for (const name of names) {
  const m = median(figures[name]);
  const rounds = figures[name].map((r) => Math.round(r)).join(', ');
  console.log(
    `  ${name.padEnd(24)} ${Math.round(m).toLocaleString('en-US').padStart(8)}  ${(m / fixed).toFixed(2)}x fixed  [${rounds}]`,
  );
}
const templated = median(figures[names[2]]);
console.log(
  `  static flow / fixed: ${(staticFlow / fixed).toFixed(2)} (goal >= 0.9); templated / static flow: ${(templated / staticFlow).toFixed(2)} (goal >= 0.8)`,
);
