import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { COMPILE_REQUESTS, WARM_UP_REQUESTS, warmUpRequests } from '../src/warm-up.js';

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
