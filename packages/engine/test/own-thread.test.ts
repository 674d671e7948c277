import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type IntervalData, sumCounts } from '@volley/metrics';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { prepare } from '../src/index.js';

/** Keeps this thread busy, as a local run's controller or an agent's link can be, for `ms`. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin: nothing on this thread's event loop runs meanwhile
  }
}

/** An open-model run of 1,000 requests a second for a second, this thread busy for 400 ms just after the start. */
async function openRunWhileBusy(url: string, ownThread: boolean) {
  const intervals: IntervalData[] = [];
  const plan = resolvePlan({ url, model: 'open', rate: 1_000, durationMs: 1_000, connections: 20 } as PlanInput);
  const prepared = prepare(plan, (i) => intervals.push(i), { ownThread });
  await prepared.ready;
  const run = prepared.start();
  await new Promise((resolve) => setTimeout(resolve, 50));
  busy(400);
  await run.done;
  const late = intervals.reduce((n, i) => n + (i.late ?? 0), 0);
  const responses = intervals.reduce((n, i) => n + sumCounts(i.byStatus), 0);
  return { late, responses };
}

// The target runs in a process of its own, so that it answers while this thread is busy.
describe('a hot run on its own thread', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess({});
  });
  after(() => target.close());

  it('goes on sending on time while the thread that prepared it is busy, where a run on that thread cannot', async () => {
    const apart = await openRunWhileBusy(target.url, true);
    const here = await openRunWhileBusy(target.url, false);
    assert.equal(apart.responses, 1_000);
    assert.equal(here.responses, 1_000);
    // On this thread, every send due while it spun (~400) goes out late; from the engine's own thread, a few may
    // on a loaded machine, not most of them.
    assert.ok(here.late >= 300, `${here.late} sends late on the busy thread`);
    assert.ok(apart.late * 4 < here.late, `${apart.late} late on its own thread, ${here.late} on the busy one`);
  });

  it('dropped before it is ready, it closes everything and sends nothing', async () => {
    // The target counts a close once its own side has run: a moment after the client side went.
    const settled = async () => {
      let stats = await target.stats();
      for (let i = 0; i < 100 && stats.open > 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        stats = await target.stats();
      }
      return stats;
    };
    const before = await settled();
    const plan = resolvePlan({ url: target.url, durationMs: 60_000, connections: 4 } as PlanInput);
    const prepared = prepare(plan, () => assert.fail('no interval from a run that never started'), { ownThread: true });
    await prepared.discard();
    await prepared.ready;
    const after = await settled();
    assert.equal(after.requests, before.requests);
    assert.equal(after.open, 0, 'no connection left open');
  });

  it('whose thread cannot load runs here instead, every request sent and measured', async () => {
    const before = await target.stats();
    const intervals: IntervalData[] = [];
    const errors: string[] = [];
    const plan = resolvePlan({ url: target.url, requests: 6_000, connections: 4 } as PlanInput);
    const prepared = prepare(plan, (i) => intervals.push(i), {
      ownThread: true,
      threadScript: new URL('./unloadable-worker.ts', import.meta.url),
      onThreadError: (err) => errors.push(err.message),
    });
    await prepared.ready;
    const stats = await prepared.start().done;
    assert.match(errors.join(), /cannot load/, 'the thread that failed is reported');
    assert.equal(stats.requests, 6_000);
    assert.equal(
      intervals.reduce((n, i) => n + sumCounts(i.byStatus), 0),
      6_000,
    );
    assert.equal((await target.stats()).requests - before.requests, 6_000);
  });
});
