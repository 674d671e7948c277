import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTotalHistogram, type Result, summarize } from '@volley/metrics';
import { evaluateThresholds, parseThreshold, ThresholdError } from '../src/index.js';

/** A result whose latencies are 1..1000 ms, one each: p99 is 990 ms, p95 950 ms, mean 500.5 ms. */
function result(): Result {
  const h = createTotalHistogram();
  for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000);
  return {
    requests: { total: 1000, ok: 990, errors: 4, byStatus: { '200': 990, '503': 6 }, byError: { timeout: 4 } },
    throughput: { target: null, achieved: 1234.5, late: 0 },
    latency: summarize(h),
  } as unknown as Result;
}

describe('thresholds', () => {
  it('parses percentiles, mean, max, error_rate and rps, with units', () => {
    assert.deepEqual(parseThreshold('p99<250ms'), {
      expr: 'p99<250ms',
      metric: { kind: 'percentile', p: 99 },
      op: '<',
      value: 250,
    });
    assert.equal(parseThreshold('p99.9 <= 1.5s').value, 1500);
    assert.equal(parseThreshold('mean<500us').value, 0.5);
    assert.deepEqual(parseThreshold('error_rate<0.01').metric, { kind: 'error_rate' });
    assert.equal(parseThreshold('rps>=1000').op, '>=');
  });

  const bad: Array<[string, RegExp]> = [
    ['p99', /not a threshold: "p99"/],
    ['p99<250', /a latency needs a unit/],
    ['p0<1s', /a percentile is above 0 and at most 100/],
    ['p101<1s', /a percentile is above 0 and at most 100/],
    ['latency<1s', /unknown figure "latency"/],
    ['rps>10ms', /rps takes a bare number/],
    ['p99<250parsecs', /a latency needs a unit/],
    ['p99 = 1s', /not a threshold/],
  ];
  for (const [text, pattern] of bad) {
    it(`refuses ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseThreshold(text),
        (err: unknown) => err instanceof ThresholdError && pattern.test(err.message),
      );
    });
  }

  it('evaluates against the merged result, any percentile exactly from the histogram', () => {
    const r = result();
    const got = evaluateThresholds(
      [
        'p95<951ms',
        'p95<949ms',
        'p99.5>994ms',
        'mean<=501ms',
        'max<1s',
        'error_rate<0.01',
        'error_rate<=0.01',
        'rps>1234',
      ].map(parseThreshold),
      r,
    );
    assert.deepEqual(
      got.map((t) => [t.expr, t.pass]),
      [
        ['p95<951ms', true],
        ['p95<949ms', false],
        ['p99.5>994ms', true],
        ['mean<=501ms', true],
        ['max<1s', false],
        ['error_rate<0.01', false],
        ['error_rate<=0.01', true],
        ['rps>1234', true],
      ],
    );
    assert.ok(Math.abs((got[0]?.actual ?? 0) - 950) < 1, `p95 ${got[0]?.actual}`);
    assert.equal(got[5]?.actual, 0.01, 'errors and statuses >= 400 both count');
  });

  it('fails a latency threshold when nothing answered', () => {
    const r = { ...result(), latency: summarize(createTotalHistogram()) } as Result;
    assert.deepEqual(
      evaluateThresholds([parseThreshold('p99<1s')], r).map((t) => t.pass),
      [false],
    );
  });
});
