import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTotalHistogram, type Result, summarize } from '@volley/metrics';
import { checkThresholdNames, evaluateThresholds, parseThreshold, ThresholdError } from '../src/index.js';

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
      metric: { kind: 'p', p: 99 },
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
    ['rps>10ms', /rps must be requests per second, like 500 or 2.5k, got "10ms"/],
    ['error_rate<1ms', /error_rate takes a bare number or a percentage/],
    ['p(95<1s', /not a threshold/],
    ['p(0)<1s', /a percentile is above 0/],
    ['p99{step=}<1s', /needs a name/],
    ['p99{tag=x}<1s', /unknown tag "tag"/],
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

  it("accepts k6's p(95) form, the 1k rate form and a percentage", () => {
    assert.deepEqual(parseThreshold('p(95)<200ms').metric, { kind: 'p', p: 95 });
    assert.equal(parseThreshold('p(99.9) < 1s').value, 1000);
    assert.equal(parseThreshold('rps>1k').value, 1000);
    assert.equal(parseThreshold('rps>=2.5k/s').value, 2500);
    assert.equal(parseThreshold('error_rate<1%').value, 0.01);
    const r = result();
    assert.deepEqual(
      evaluateThresholds(['p(95)<951ms', 'rps>1k', 'rps>1.3k'].map(parseThreshold), r).map((t) => t.pass),
      [true, true, false],
    );
  });

  it('reads a figure of one named request with {step=NAME} or {request=NAME}', () => {
    const fast = createTotalHistogram();
    fast.recordValue(2000);
    const slow = createTotalHistogram();
    slow.recordValue(900_000);
    const counts = (total: number, ok: number) => ({ total, ok, errors: 0, byStatus: {}, byError: {} });
    const r = {
      ...result(),
      durationMs: 1000,
      endpoints: [
        { name: 'home', weight: 1, requests: counts(10, 10), latency: summarize(fast) },
        { name: 'log in', weight: 1, requests: counts(4, 2), latency: summarize(slow) },
      ],
    } as Result;
    const parsed = ['p(95){step=home}<10ms', 'p99{request="log in"}<10ms', 'error_rate{step=log in}<0.6'];
    assert.deepEqual(parseThreshold(parsed[1] as string).selector, { step: 'log in' });
    const got = evaluateThresholds(parsed.map(parseThreshold), r);
    assert.deepEqual(
      got.map((t) => [t.pass, t.actual]),
      [
        [true, 2],
        [false, 900.095],
        [true, 0.5],
      ],
    );
    assert.equal(evaluateThresholds([parseThreshold('rps{step=home}>9')], r)[0]?.actual, 10);
  });

  it('fails, saying why, a threshold on a name the result does not have', () => {
    const got = evaluateThresholds([parseThreshold('p99{step=checkout}<1s')], result());
    assert.equal(got[0]?.pass, false);
    assert.equal(got[0]?.reason, 'p99{step=checkout}<1s: no request named "checkout" (the run has none)');
  });

  it('refuses, before any run, a name the run will not have', () => {
    const t = [parseThreshold('p99{step=chekout}<1s')];
    assert.throws(() => checkThresholdNames(t, ['home', 'checkout']), {
      message: 'p99{step=chekout}<1s: no request named "chekout" (the run has "home", "checkout")',
    });
    checkThresholdNames(t, ['chekout']);
  });

  it('fails a latency threshold when nothing answered', () => {
    const r = { ...result(), latency: summarize(createTotalHistogram()) } as Result;
    assert.deepEqual(
      evaluateThresholds([parseThreshold('p99<1s')], r).map((t) => t.pass),
      [false],
    );
  });
});

describe('checks thresholds', () => {
  const withChecks = (): Result => {
    const r = result();
    const latency = r.latency;
    const requests = r.requests;
    r.endpoints = [
      { name: 'login', weight: 0, requests, latency, checks: [{ name: 'status', passed: 999, failed: 1 }] },
      {
        name: 'me',
        weight: 0,
        requests,
        latency,
        checks: [
          { name: 'status', passed: 1000, failed: 0 },
          { name: 'body_contains', passed: 950, failed: 50 },
        ],
      },
      { name: 'logout', weight: 0, requests, latency },
    ];
    return r;
  };

  it('reads the share of checks passed, over the run or one step', () => {
    const [all, login, me] = evaluateThresholds(
      ['checks>0.99', 'checks{step=login}>0.999', 'checks{step=me}>=95%'].map(parseThreshold),
      withChecks(),
    );
    // (999 + 1000 + 950) / 3000
    assert.deepEqual([all?.actual, all?.pass], [0.983, false]);
    assert.deepEqual([login?.actual, login?.pass], [0.999, false]);
    assert.deepEqual([me?.actual, me?.pass], [0.975, true]);
  });

  it('fails with a reason when the step ran no checks, rather than passing on nothing', () => {
    const [none] = evaluateThresholds([parseThreshold('checks{step=logout}>0.5')], withChecks());
    assert.equal(none?.pass, false);
    assert.equal(none?.reason, 'no checks ran');
  });
});
