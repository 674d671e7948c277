import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IntervalData } from '@volley/metrics';
import { resolvePlan } from '@volley/plan';
import { startTarget, type Target } from '@volley/target';
import { prepare, realClock, ThreadHealth } from '../src/index.js';

/** Keeps this thread's event loop from turning for `ms`. */
function block(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spinning on purpose: a generator too busy to turn its loop
  }
}

/** Lets the loop turn for `ms`. */
const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('ThreadHealth', () => {
  it('sees a blocked event loop as lag at least as long as the block, and the thread as busy', async () => {
    const health = new ThreadHealth();
    health.start();
    await idle(30);
    block(300);
    await idle(30);
    const h = health.sample();
    health.stop();
    // The sampling timer could not fire during the block: one delay of at least the block, less its period.
    assert.ok(h.lagMaxMs >= 290 - 10, `lag max ${h.lagMaxMs} ms`);
    // 300 ms of 360 on the loop; the thread's own CPU time may lose some to a busy machine, the loop's share not.
    assert.ok(h.cpu > (h.cpuSource === 'loop' ? 0.6 : 0.3), `cpu ${h.cpu} (${h.cpuSource})`);
    assert.ok(h.cpu <= 1);
    assert.equal(h.threads, 1);
  });

  it("sees the thread asleep in the pacer's sleep as idle: its loop did not turn, but it used no CPU", async () => {
    const health = new ThreadHealth();
    health.start();
    await idle(20);
    const from = performance.now();
    for (let i = 0; i < 400; i++) realClock.sleep(0.75);
    const asleep = performance.now() - from;
    await idle(20);
    const h = health.sample();
    health.stop();
    assert.ok(asleep >= 300, `slept ${asleep} ms`);
    // 300 ms or more of about 340 blocked: a loop's utilisation alone would read 0.9 (cpuSource 'loop', Node 20).
    assert.ok(h.cpu < 0.3, `cpu ${h.cpu} (${h.cpuSource})`);
  });

  it('each sample starts afresh: a block before the last sample is not seen again', async () => {
    const health = new ThreadHealth();
    health.start();
    await idle(30);
    block(200);
    await idle(20);
    assert.ok(health.sample().lagMaxMs >= 180);
    await idle(100);
    const next = health.sample();
    health.stop();
    assert.ok(next.lagMaxMs < 180, `lag max ${next.lagMaxMs} ms after the block had been reported`);
  });
});

describe('a prepared run asked for health', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({});
  });
  after(() => target.close());

  for (const workers of [1, 2]) {
    it(`attaches it to every interval, on ${workers} thread(s)`, async () => {
      const intervals: IntervalData[] = [];
      const plan = resolvePlan({ url: target.url, connections: 2, rate: 200, durationMs: 600, intervalMs: 200 });
      const prepared = prepare(plan, (i) => intervals.push(i), { workers, health: true });
      await prepared.ready;
      await prepared.start().done;
      assert.ok(intervals.length >= 3);
      for (const i of intervals) {
        const h = i.health;
        assert.ok(h, `interval ${i.seq} has health`);
        assert.equal(h.threads, workers);
        for (const n of [h.lagP99Ms, h.lagMaxMs, h.cpu, h.processCpu]) assert.ok(Number.isFinite(n) && n >= 0);
        assert.ok(h.lagP99Ms <= h.lagMaxMs && h.cpu <= 1);
      }
    });
  }

  it('attaches none unless asked', async () => {
    const intervals: IntervalData[] = [];
    const prepared = prepare(resolvePlan({ url: target.url, requests: 50 }), (i) => intervals.push(i));
    await prepared.ready;
    await prepared.start().done;
    assert.ok(intervals.every((i) => i.health === undefined));
  });
});
