import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SplitError, shares, splitPlan } from '../src/index.js';

describe('splitPlan', () => {
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

  it('divides connections and requests, and gives everyone the same duration', () => {
    const parts = splitPlan({ url: 'http://x/', connections: 5, requests: 7, durationMs: 0 }, 2);
    assert.deepEqual(
      parts.map((p) => [p.connections, p.requests]),
      [
        [3, 4],
        [2, 3],
      ],
    );
    const timed = splitPlan({ url: 'http://x/', connections: 4, requests: 0, durationMs: 5000 }, 3);
    assert.deepEqual(
      timed.map((p) => [p.connections, p.durationMs]),
      [
        [2, 5000],
        [1, 5000],
        [1, 5000],
      ],
    );
  });

  it('never gives an agent more loops than requests', () => {
    const parts = splitPlan({ url: 'http://x/', connections: 50, requests: 4, durationMs: 0 }, 2);
    assert.deepEqual(
      parts.map((p) => p.connections),
      [2, 2],
    );
  });

  it('divides an open-model rate and its rate stages evenly', () => {
    const parts = splitPlan(
      {
        url: 'http://x/',
        open: true,
        connections: 100,
        rate: 1000,
        stages: [
          { durationMs: 1000, target: 300 },
          { durationMs: 2000, target: 1 },
        ],
      },
      3,
    );
    for (const p of parts) {
      assert.equal(p.open, true);
      assert.ok(Math.abs((p.rate ?? 0) - 1000 / 3) < 1e-9);
      assert.deepEqual(
        p.stages?.map((s) => [s.durationMs, s.target]),
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
      {
        url: 'http://x/',
        connections: 10,
        stages: [
          { durationMs: 1000, target: 10 },
          { durationMs: 1000, target: 5 },
        ],
      },
      3,
    );
    assert.deepEqual(
      parts.map((p) => p.stages?.map((s) => s.target)),
      [
        [4, 2],
        [3, 2],
        [3, 1],
      ],
    );
  });

  it('refuses a plan with fewer connections or requests than agents', () => {
    assert.throws(() => splitPlan({ url: 'http://x/', connections: 2, requests: 0 }, 3), SplitError);
    assert.throws(
      () => splitPlan({ url: 'http://x/', connections: 5, requests: 2 }, 3),
      /3 agents need at least 3 requests/,
    );
  });
});
