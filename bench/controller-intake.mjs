#!/usr/bin/env node
// Issue 19 goal 3: what one report costs the controller, in process, without sockets: the protobuf decode, the
// wire conversion and the merge (RunAggregate.add) of one Interval frame from each of 2,000 agents, seq after seq,
// then what waits until the merged interval went out (each agent's own total). A report of the path a merged
// interval waits on (the critical path, in us a report), and of the rest; with --baseline DIR, that checkout's
// side by side, run in turns in one process so that a busy neighbour loads both alike.
//
//   node bench/controller-intake.mjs [--agents 2000] [--seqs 8] [--rounds 3] [--baseline DIR]
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from './lib.mjs';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    seqs: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    baseline: { type: 'string' },
  },
});
const AGENTS = Number(values.agents);
const SEQS = Number(values.seqs);
const here = join(new URL('.', import.meta.url).pathname, '..');
const load = async (dir) => ({
  dir,
  metrics: await import(pathToFileURL(join(dir, 'packages', 'metrics', 'dist', 'index.js')).href),
  protocol: await import(pathToFileURL(join(dir, 'packages', 'protocol', 'dist', 'index.js')).href),
});
const sides = [await load(here), ...(values.baseline ? [await load(values.baseline)] : [])];

/** One run: every seq's frames merged; the median over seqs after the first (cold) of each cost, in us a report. */
async function run({ metrics: m, protocol: p }) {
  // As an agent sends them: every value once in all, and by status class in the Prometheus buckets (protocol 6 on).
  const histograms = Array.from({ length: 8 }, () => {
    const all = m.createIntervalHistogram();
    const ok = m.createIntervalHistogram();
    const failed = m.createIntervalHistogram();
    for (let i = 0; i < 5000; i++) {
      const us = Math.round(200 + Math.random() ** 4 * 50_000);
      all.recordValue(us);
      (i % 500 === 0 ? failed : ok).recordValue(us);
    }
    const classBuckets = m.bucketsOf
      ? [
          { statusClass: 2, ...m.bucketsOf(ok) },
          { statusClass: 5, ...m.bucketsOf(failed) },
        ]
      : [];
    return { histogram: m.encodeHistogram(all), classBuckets };
  });
  const aggregate = new m.RunAggregate(() => {});
  for (let a = 0; a < AGENTS; a++) aggregate.join({ id: `a${a}`, name: `a${a}`, host: 'h' });
  await new Promise((resolve) => setImmediate(resolve)); // joined as in a controller; its seq 0 is not counted (cold)
  const critical = [];
  const rest = [];
  for (let seq = 0; seq < SEQS; seq++) {
    const frames = Array.from({ length: AGENTS }, (_, a) =>
      Buffer.from(
        p.encode('interval', {
          runId: 'r'.repeat(36),
          seq,
          startMs: seq * 1000,
          endMs: (seq + 1) * 1000,
          ...histograms[(a + seq) % histograms.length],
          statuses: [
            { status: 200, count: 4990 },
            { status: 503, count: 10 },
          ],
          bytesSent: 400_000,
          bytesReceived: 900_000,
        }),
      ),
    );
    const t0 = performance.now();
    for (let a = 0; a < AGENTS; a++) aggregate.add(`a${a}`, p.intervalFromWire(p.decode(frames[a]).body));
    const t1 = performance.now();
    // Reading every agent's p99 settles whatever waits (a checkout without deferred adds has none; from the lazy
    // p99 on, only the read settles).
    for (const figures of aggregate.liveAgents().values()) figures.p99Ms;
    const t2 = performance.now();
    if (seq > 0) {
      critical.push(((t1 - t0) * 1000) / AGENTS);
      rest.push(((t2 - t1) * 1000) / AGENTS);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { critical: median(critical), rest: median(rest) };
}

const results = new Map(sides.map((s) => [s.dir, { critical: [], rest: [] }]));
for (let r = 0; r < Number(values.rounds); r++) {
  for (const side of sides) {
    const { critical, rest } = await run(side);
    results.get(side.dir).critical.push(critical);
    results.get(side.dir).rest.push(rest);
  }
}
console.log(`controller intake, ${AGENTS} agents, in process (us a report, median of ${values.rounds} rounds):`);
for (const [dir, r] of results) {
  console.log(
    `  ${dir}: ${median(r.critical).toFixed(1)} us until the interval can go out, ${median(r.rest).toFixed(1)} us after (agents' totals and their live p99)`,
  );
}
