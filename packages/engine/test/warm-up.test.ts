import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Plan, type PlanInput, resolvePlan } from '@volley/plan';
import { engineModel, startRun } from '../src/run.js';
import { COMPILE_REQUESTS, WARM_UP_REQUESTS, warmUpRequests, warmUpRuns } from '../src/warm-up.js';

const url = 'http://127.0.0.1:9/';
const length = (input: Partial<PlanInput>) => warmUpRequests(resolvePlan({ url, ...input } as PlanInput));

describe('the warm-up length a plan gets', () => {
  it('is the short one (the parser compiled, nothing optimized) for a run of a few requests', () => {
    assert.equal(length({ requests: 1 }), COMPILE_REQUESTS);
    assert.equal(length({ requests: 4_999, connections: 50 }), COMPILE_REQUESTS);
    assert.equal(length({ model: 'open', rate: 20_000, requests: 100 }), COMPILE_REQUESTS);
  });

  it('is the short one for an open model that never sends 1,000 a second', () => {
    assert.equal(length({ model: 'open', rate: 50, durationMs: 60_000 }), COMPILE_REQUESTS);
    assert.equal(length({ model: 'open', rate: 10, stages: [{ durationMs: 10_000, target: 999 }] }), COMPILE_REQUESTS);
  });

  it('is the full one for runs hot enough for cold code to show', () => {
    assert.equal(length({ durationMs: 10_000 }), WARM_UP_REQUESTS);
    assert.equal(length({ requests: 5_000 }), WARM_UP_REQUESTS);
    assert.equal(length({ model: 'open', rate: 1_000, durationMs: 5_000 }), WARM_UP_REQUESTS);
    assert.equal(
      length({ model: 'open', rate: 10, stages: [{ durationMs: 10_000, target: 5_000 }] }),
      WARM_UP_REQUESTS,
    );
    assert.ok(COMPILE_REQUESTS < WARM_UP_REQUESTS);
  });
});

describe('the warm-up runs', () => {
  /** Warms up for `input` with its model's phases, through the real engine, and says what each run was and sent. */
  async function runsFor(input: Partial<PlanInput>, requests?: number) {
    const plan = resolvePlan({ url, ...input } as PlanInput);
    const runs: Array<{ plan: Plan; sent: number }> = [];
    await warmUpRuns(
      plan,
      engineModel(plan).warmUp,
      (warm, sink) => {
        const handle = startRun(warm, sink);
        handle.done.then((stats) => runs.push({ plan: warm, sent: stats.requests }));
        return handle;
      },
      requests ?? warmUpRequests(plan),
    );
    return runs;
  }

  it('of a hot open-model plan: as fast as it goes, then paced for a duration on idle connections', async () => {
    const [fast, paced, ...more] = await runsFor({ model: 'open', rate: 20_000, durationMs: 10_000 });
    assert.equal(more.length, 0);
    assert.ok(fast && paced);
    assert.equal(fast.plan.model, 'open');
    assert.equal(fast.plan.requests, WARM_UP_REQUESTS);
    assert.equal(fast.sent, WARM_UP_REQUESTS);
    // The paced run sleeps on its timer between sends and ends at its deadline, as the real run will.
    assert.equal(paced.plan.model, 'open');
    assert.equal(paced.plan.requests, 0);
    assert.ok(paced.plan.durationMs > 0);
    assert.ok(paced.plan.model === 'open' && paced.plan.rate < 100_000);
    assert.ok(paced.sent > 0, 'the paced run sent nothing');
    // Against the throwaway server, never the target.
    assert.notEqual(new URL(paced.plan.url).port, '9');
  });

  it('of a short plan: the compile-only run alone', async () => {
    const runs = await runsFor({ model: 'open', rate: 20_000, requests: 100 });
    assert.deepEqual(
      runs.map((r) => r.sent),
      [COMPILE_REQUESTS],
    );
  });

  it('of a hot closed-model plan: its requests, then a second run that ends at its deadline', async () => {
    const [counted, timed, ...more] = await runsFor({ durationMs: 10_000, connections: 10 });
    assert.equal(more.length, 0);
    assert.ok(counted && timed);
    assert.deepEqual([counted.plan.model, counted.sent], ['closed', WARM_UP_REQUESTS]);
    assert.equal(timed.plan.model, 'closed');
    assert.equal(timed.plan.requests, 0);
    assert.ok(timed.plan.durationMs > 0);
    assert.ok(timed.sent > 0, 'the timed run sent nothing');
  });
});
