import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntervalSummary } from '@volley/metrics';
import { fitProgress, progressParts, rampAt, renderProgress } from '../src/index.js';

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
    assert.equal(line, '3s/10s  2,345 req/s (avg 1,998)  p50 0.412  p99 3.21 ms  errors 7  agents 3', 'avg: responses');
  });

  it('counts requests against a request budget, and says when an interval had no responses', () => {
    const line = renderProgress({
      interval: interval({ requests: 10, errors: 10, rps: 10 }),
      total: { requests: 1500, errors: 10, elapsedMs: 500 },
      agents: 1,
      durationMs: 0,
      requests: 20_000,
    });
    assert.match(line, /^1,500\/20,000 requests {2}10 req\/s \(avg 2,980\) {2}no responses {2}errors 10 {2}agents 1$/);
  });

  it('shows statuses >= 400 beside the errors: a run of 503s does not read as fine', () => {
    const line = renderProgress({
      interval: interval({ errors: 0 }),
      total: { requests: 3000, errors: 0, elapsedMs: 1000, failed: 3000 },
      agents: 1,
      durationMs: 10_000,
      requests: 0,
    });
    assert.match(line, /errors 0 {2}status>=400 3,000 {2}agents 1$/);
  });

  it('shows the asked rate, late and never-sent requests in the open model, and the connections of a ramp', () => {
    const parts = progressParts({
      interval: interval(),
      total: { requests: 6000, errors: 0, elapsedMs: 3000 },
      agents: 1,
      durationMs: 10_000,
      requests: 0,
      open: { asked: 2500, late: 12, dropped: 3 },
    });
    assert.deepEqual(
      parts.filter((p) => p.bad).map((p) => p.text),
      ['late 12', 'dropped 3'],
    );
    assert.match(parts.map((p) => p.text).join('  '), /asked 2,500\/s {2}late 12 {2}dropped 3 {2}errors 0/);
    assert.equal(rampAt(0, [{ durationMs: 10_000, target: 50 }], 4000), 20);
    assert.equal(
      rampAt(
        100,
        [
          { durationMs: 1000, target: 200 },
          { durationMs: 1000, target: 0 },
        ],
        1500,
      ),
      100,
    );
    assert.equal(rampAt(100, [{ durationMs: 1000, target: 200 }], 5000), 200);
  });

  it('fits a width by dropping the lowest ranked parts, never cutting one in two while two fit', () => {
    const parts = [
      { text: 'aaaa', rank: 0 },
      { text: 'bbbb', rank: 2 },
      { text: 'cccc', rank: 1 },
      { text: 'dddd', rank: 3, bad: true },
    ];
    assert.equal(fitProgress(parts, 100), 'aaaa  bbbb  cccc  dddd');
    assert.equal(
      fitProgress(parts, 16, (t) => `<${t}>`),
      'aaaa  bbbb  <dddd>',
    );
    assert.equal(fitProgress(parts, 10), 'aaaa  dddd');
    assert.equal(fitProgress(parts, 3), 'aaa');
  });
});
