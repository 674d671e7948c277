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

  it('goes on sending on time while the thread that prepared it is busy', async () => {
    const { late, responses } = await openRunWhileBusy(target.url, true);
    assert.equal(responses, 1_000);
    // The ~400 sends due while this thread spun went out from the engine's thread; a few may still be late on a
    // loaded machine, not hundreds.
    assert.ok(late < 100, `${late} sends late`);
  });

  it('without it, every send due while the thread is busy goes out late', async () => {
    const { late, responses } = await openRunWhileBusy(target.url, false);
    assert.equal(responses, 1_000);
    assert.ok(late >= 300, `${late} sends late`);
  });
});
