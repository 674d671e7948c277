import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type IntervalData, sumCounts } from '@volley/metrics';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { startTarget, type Target } from '@volley/target';
import { startRun } from '../src/index.js';

// The open model's timing (rate, ramps, late, dropped, corrected latency) is pinned down exactly on the fake
// clock in open-model.fake.test.ts. These runs go over real HTTP on loopback, on the real clock, and check only
// what no machine load can change: counts.

async function run(input: PlanInput) {
  const intervals: IntervalData[] = [];
  const stats = await startRun(resolvePlan(input), (i) => intervals.push(i)).done;
  let responses = 0;
  let errors = 0;
  let dropped = 0;
  let withServiceTime = 0;
  for (const i of intervals) {
    responses += sumCounts(i.byStatus);
    errors += sumCounts(i.byError);
    dropped += i.dropped ?? 0;
    if (i.serviceHistogram) withServiceTime++;
  }
  return { stats, intervals, responses, errors, dropped, withServiceTime };
}

describe('open model against a real loopback target (counts, not timing)', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({});
  });
  after(() => target.close());

  it('accounts for every send due: 1,000/s for 1 s is 1,000 sent or dropped, and the target saw each one sent', async () => {
    const before = target.stats().requests;
    const r = await run({ url: target.url, rate: 1000, durationMs: 1000, connections: 50 });
    const seen = target.stats().requests - before;
    // However late a busy machine sends, a send due before the end goes out or is counted as dropped.
    assert.equal(r.stats.requests + r.dropped, 1000);
    assert.equal(seen, r.stats.requests);
    assert.equal(r.responses, seen);
    assert.equal(r.errors, 0);
    assert.equal(r.withServiceTime, r.intervals.length, 'every interval carries service time');
  });

  it('stops at the request count when one is given, and no sooner than its schedule', async () => {
    const before = target.stats().requests;
    const r = await run({ url: target.url, rate: 2000, requests: 500, connections: 20 });
    assert.equal(target.stats().requests - before, 500);
    assert.equal(r.responses, 500);
    assert.equal(r.stats.requests, 500);
    // The last of 500 at 2,000/s is due at 249.5 ms, and a send never goes before its time: a bound, not a
    // tolerance, that shows the real clock drives the real run.
    assert.ok(r.stats.durationMs >= 249.5, `took ${r.stats.durationMs} ms`);
  });
});
