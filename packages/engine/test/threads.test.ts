import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeHistogram, type IntervalData, sumCounts } from '@volley/metrics';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { startTarget, type Target } from '@volley/target';
import { startThreadedRun } from '../src/index.js';

async function run(input: PlanInput, workers: number, abortAfterMs?: number, script?: URL) {
  const intervals: IntervalData[] = [];
  const errors: string[] = [];
  const handle = startThreadedRun(
    resolvePlan(input),
    workers,
    (i) => intervals.push(i),
    (err) => errors.push(err.message),
    script,
  );
  // Threads take a moment to load (longer from sources under tsx): count from when they start.
  if (abortAfterMs !== undefined) handle.started.then(() => setTimeout(() => handle.abort(), abortAfterMs));
  const stats = await handle.done;
  let responses = 0;
  let total = 0;
  let histogram = 0;
  let dropped = 0;
  for (const i of intervals) {
    dropped += i.dropped ?? 0;
    responses += sumCounts(i.byStatus);
    total += sumCounts(i.byStatus) + sumCounts(i.byError);
    histogram += decodeHistogram(i.histogram).totalCount;
  }
  return { stats, intervals, responses, total, histogram, dropped, errors };
}

describe('engine threads against a real loopback target', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ bodySize: 100 });
  });
  after(() => target.close());

  it('two threads send exactly the requested count, merged into one interval per second', async () => {
    const seen = target.stats().requests;
    const r = await run({ url: target.url, requests: 6000, connections: 4 }, 2);
    assert.equal(target.stats().requests - seen, 6000);
    assert.equal(r.total, 6000);
    assert.equal(r.histogram, r.responses, 'every response has a latency');
    assert.equal(r.stats.requests, 6000);
    assert.deepEqual(
      r.intervals.map((i) => i.seq),
      r.intervals.map((_, k) => k),
      'one merged interval per seq, in order',
    );
    assert.deepEqual(r.errors, []);
  });

  it('a timed run on two threads reports one merged interval per second', async () => {
    const r = await run({ url: target.url, durationMs: 2000, connections: 4, intervalMs: 500 }, 2);
    assert.equal(r.intervals.length, 4);
    assert.ok(r.responses > 0);
    assert.equal(r.histogram, r.responses);
  });

  it('abort stops every thread; what was measured is kept', async () => {
    const r = await run({ url: target.url, durationMs: 30_000, connections: 4 }, 2, 700);
    assert.equal(r.stats.aborted, true);
    assert.ok(r.stats.durationMs < 5000, `stopped after ${r.stats.durationMs} ms`);
    assert.ok(r.responses > 0);
  });

  it('a thread that crashes does not hang the run: the other finishes and its figures are kept', async () => {
    const crashing = new URL('./crashing-worker.ts', import.meta.url);
    const r = await run({ url: target.url, durationMs: 1500, connections: 4 }, 2, undefined, crashing);
    assert.match(r.errors.join('\n'), /worker 1 crashed on purpose/);
    assert.equal(r.stats.aborted, true, 'a run that lost a thread is marked incomplete');
    assert.ok(r.responses > 0);
    assert.ok(r.intervals.length >= 2, `${r.intervals.length} intervals`);
  });
});

describe('open model on two threads', () => {
  let url: string;
  let arrivals = 0;
  const server = createServer((req, res) => {
    arrivals++;
    req.resume();
    res.end('ok');
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server.close());

  it('shares the asked rate: every send due in all is sent or dropped, and the server saw each one sent', async () => {
    // Each thread's schedule is exact on the fake clock (open-model.fake.test.ts); here, on two threads sharing
    // a loaded machine's cores, only counts are certain: 500/s on each for 2 s is 1,000 sends due on each.
    const r = await run({ url, rate: 1000, durationMs: 2000, connections: 20 }, 2);
    assert.equal(r.stats.requests + r.dropped, 2000);
    assert.equal(arrivals, r.stats.requests);
    assert.equal(r.responses, arrivals);
    assert.ok(
      r.intervals.every((i) => i.serviceHistogram !== undefined),
      'service time merged too',
    );
  });
});
