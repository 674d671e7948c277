import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntervalSummary } from '@volley/metrics';
import { renderProgress } from '../src/index.js';

const interval = (over: Partial<IntervalSummary> = {}): IntervalSummary => ({
  t: 2,
  durationMs: 1000,
  requests: 2345,
  errors: 5,
  rps: 2345,
  p50: 0.412,
  p90: 1.5,
  p99: 3.21,
  max: 9,
  histogram: '',
  ...over,
});

describe('renderProgress', () => {
  it('shows elapsed of total, the last interval and the average rate, its percentiles, errors and agents', () => {
    const line = renderProgress({
      interval: interval(),
      total: { requests: 6000, errors: 7, elapsedMs: 3000 },
      agents: 3,
      durationMs: 10_000,
      requests: 0,
    });
    assert.equal(line, '3s/10s  2,345 req/s (avg 2,000)  p50 0.412  p99 3.21 ms  errors 7  agents 3');
  });

  it('counts requests against a request budget, and says when an interval had no responses', () => {
    const line = renderProgress({
      interval: interval({ requests: 10, errors: 10, rps: 10 }),
      total: { requests: 1500, errors: 10, elapsedMs: 500 },
      agents: 1,
      durationMs: 0,
      requests: 20_000,
    });
    assert.match(line, /^1,500\/20,000 requests {2}10 req\/s \(avg 3,000\) {2}no responses {2}errors 10 {2}agents 1$/);
  });
});
