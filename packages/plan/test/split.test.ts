import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { askedRate, maxShares, type PlanInput, resolvePlan, shares, splitPlan, usableShares } from '../src/index.js';

const plan = (input: Omit<PlanInput, 'url'>) => resolvePlan({ url: 'http://x/', ...input });

describe('shares', () => {
  const cases: Array<[total: number, n: number, want: number[]]> = [
    [10, 1, [10]],
    [10, 3, [4, 3, 3]],
    [3, 3, [1, 1, 1]],
    [0, 2, [0, 0]],
    [20001, 4, [5001, 5000, 5000, 5000]],
  ];
  for (const [total, n, want] of cases) {
    it(`divides ${total} into ${n} shares that add up exactly`, () => {
      assert.deepEqual(shares(total, n), want);
    });
  }
});

describe('splitPlan, for agents and threads alike', () => {
  it('divides connections and requests, and gives everyone the same duration', () => {
    const parts = splitPlan(plan({ connections: 5, requests: 7 }), 2);
    assert.deepEqual(
      parts.map((p) => [p.connections, p.requests]),
      [
        [3, 4],
        [2, 3],
      ],
    );
    const timed = splitPlan(plan({ connections: 4, durationMs: 5000 }), 3);
    assert.deepEqual(
      timed.map((p) => [p.connections, p.durationMs]),
      [
        [2, 5000],
        [1, 5000],
        [1, 5000],
      ],
    );
  });

  it('never gives a share more loops than requests', () => {
    const parts = splitPlan(plan({ connections: 50, requests: 4 }), 2);
    assert.deepEqual(
      parts.map((p) => p.connections),
      [2, 2],
    );
  });

  it('divides an open-model rate and its rate stages evenly', () => {
    const parts = splitPlan(
      plan({
        model: 'open',
        connections: 100,
        rate: 1000,
        stages: [
          { durationMs: 1000, target: 300 },
          { durationMs: 2000, target: 1 },
        ],
      }),
      3,
    );
    for (const p of parts) {
      assert.equal(p.model, 'open');
      assert.ok(p.model === 'open' && Math.abs(p.rate - 1000 / 3) < 1e-9);
      assert.deepEqual(
        p.stages.map((s) => [s.durationMs, s.target]),
        [
          [1000, 100],
          [2000, 1 / 3],
        ],
      );
    }
    assert.deepEqual(
      parts.map((p) => p.connections),
      [34, 33, 33],
    );
  });

  it('shares connection stages in whole connections that add up to each target', () => {
    const parts = splitPlan(
      plan({
        stages: [
          { durationMs: 1000, target: 10 },
          { durationMs: 1000, target: 5 },
        ],
      }),
      3,
    );
    assert.deepEqual(
      parts.map((p) => p.stages.map((s) => s.target)),
      [
        [4, 2],
        [3, 2],
        [3, 1],
      ],
    );
    assert.deepEqual(
      parts.map((p) => p.connections),
      [4, 3, 3],
    );
  });

  it('refuses a plan with fewer connections or requests than shares', () => {
    assert.throws(() => splitPlan(plan({ connections: 2 }), 3), { code: 'UNSPLITTABLE_PLAN' });
    assert.throws(
      () => splitPlan(plan({ connections: 5, requests: 2 }), 3, '3 agents'),
      /3 agents need at least 3 requests/,
    );
  });

  it('uses no more threads than connections, or than requests', () => {
    assert.equal(maxShares(plan({ connections: 2 })), 2);
    assert.equal(usableShares(plan({ connections: 2 }), 8), 2);
    assert.equal(usableShares(plan({ connections: 50, requests: 3 }), 8), 3);
    assert.equal(usableShares(plan({ connections: 50 }), 0), 1);
  });
});

describe('askedRate', () => {
  it('is null in the closed model, the rate or the stages average in the open one', () => {
    assert.equal(askedRate(plan({ connections: 2 })), null);
    assert.equal(askedRate(plan({ rate: 250 })), 250);
    // 0 -> 100/s over 1 s (50 requests), then 100/s for 1 s (100): 150 in 2 s.
    assert.equal(
      askedRate(
        plan({
          model: 'open',
          stages: [
            { durationMs: 1000, target: 100 },
            { durationMs: 1000, target: 100 },
          ],
        }),
      ),
      75,
    );
  });
});
