import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_CONNECTIONS,
  DEFAULT_DURATION_MS,
  MAX_DURATION_MS,
  MAX_INTERVAL_MS,
  MAX_TIMEOUT_MS,
  parseDuration,
  parseRate,
  parseStage,
  resolvePlan,
  stagesOf,
} from '../src/index.js';

describe('resolvePlan', () => {
  it('fills in defaults', () => {
    const plan = resolvePlan({ url: 'http://127.0.0.1:8080' });
    assert.equal(plan.url, 'http://127.0.0.1:8080/');
    assert.equal(plan.method, 'GET');
    assert.equal(plan.connections, DEFAULT_CONNECTIONS);
    assert.equal(plan.durationMs, DEFAULT_DURATION_MS);
    assert.equal(plan.requests, 0);
    assert.equal(plan.client, 'pooled');
  });

  it('takes a request count instead of a duration', () => {
    const plan = resolvePlan({ url: 'http://h/', requests: 5 });
    assert.equal(plan.requests, 5);
    assert.equal(plan.durationMs, 0);
  });

  const bad: Array<[string, Parameters<typeof resolvePlan>[0], string]> = [
    ['a malformed URL', { url: 'not a url' }, 'INVALID_URL'],
    ['a non-HTTP URL', { url: 'ftp://h/' }, 'INVALID_URL'],
    ['negative connections', { url: 'http://h/', connections: -1 }, 'INVALID_NUMBER'],
    ['fractional requests', { url: 'http://h/', requests: 1.5 }, 'INVALID_NUMBER'],
    ['NaN connections', { url: 'http://h/', connections: Number.NaN }, 'INVALID_NUMBER'],
    ['both limits', { url: 'http://h/', requests: 5, durationMs: 1000 }, 'CONFLICTING_LIMITS'],
    ['an unknown client', { url: 'http://h/', client: 'magic' as 'pooled' }, 'INVALID_CLIENT'],
    ['a method with spaces', { url: 'http://h/', method: 'G T' }, 'INVALID_METHOD'],
    ['an unknown model', { url: 'http://h/', model: 'poisson' as 'open' }, 'INVALID_MODEL'],
    ['a rate in the closed model', { url: 'http://h/', model: 'closed', rate: 5 }, 'CONFLICTING_LIMITS'],
    ['the open model without a rate', { url: 'http://h/', model: 'open' }, 'INVALID_NUMBER'],
    ['fractional connection stages', { url: 'http://h/', stages: [{ durationMs: 1, target: 1.5 }] }, 'INVALID_STAGES'],
    [
      'stages and a duration',
      { url: 'http://h/', rate: 1, durationMs: 5, stages: [{ durationMs: 1, target: 1 }] },
      'CONFLICTING_LIMITS',
    ],
    ['pipelining per request', { url: 'http://h/', pipelining: 2, client: 'per-request' }, 'CONFLICTING_LIMITS'],
    ['HTTP/2 without TLS', { url: 'http://h/', http2: true }, 'INVALID_PROTOCOL'],
    // Each of these would wrap in a 32-bit setTimeout (a timeout of -1 once became 49.7 days).
    ['a negative timeout', { url: 'http://h/', timeoutMs: -1 }, 'INVALID_NUMBER'],
    ['a timeout above an hour', { url: 'http://h/', timeoutMs: 3_600_001 }, 'INVALID_NUMBER'],
    ['a timeout of 2^32 - 1 ms', { url: 'http://h/', timeoutMs: 2 ** 32 - 1 }, 'INVALID_NUMBER'],
    ['an interval above an hour', { url: 'http://h/', intervalMs: 3_600_001 }, 'INVALID_NUMBER'],
    ['a duration above 7 days', { url: 'http://h/', durationMs: 7 * 86_400_000 + 1 }, 'INVALID_NUMBER'],
    [
      'stages lasting more than 7 days together',
      {
        url: 'http://h/',
        rate: 1,
        stages: [
          { durationMs: 4 * 86_400_000, target: 1 },
          { durationMs: 4 * 86_400_000, target: 1 },
        ],
      },
      'INVALID_NUMBER',
    ],
  ];
  it('accepts the largest bounds: a 1 h timeout and interval, a 7-day run', () => {
    const plan = resolvePlan({
      url: 'http://h/',
      timeoutMs: 3_600_000,
      intervalMs: 3_600_000,
      durationMs: 604_800_000,
    });
    assert.equal(plan.timeoutMs, MAX_TIMEOUT_MS);
    assert.equal(plan.intervalMs, MAX_INTERVAL_MS);
    assert.equal(plan.durationMs, MAX_DURATION_MS);
  });
  it('speaks of times in the units a user types, not in milliseconds', () => {
    assert.throws(() => resolvePlan({ url: 'http://h/', timeoutMs: 0 }), {
      message: 'timeout must be from 1ms to 1h, got 0ms',
    });
    assert.throws(() => resolvePlan({ url: 'http://h/', durationMs: 8 * 86_400_000 }), {
      message: 'duration must be from 1ms to 168h, got 192h',
    });
    assert.throws(() => resolvePlan({ url: 'http://h/', requests: 0.5 }), {
      message: 'requests must be a whole number of at least 1, got 0.5',
    });
  });
  for (const [what, input, code] of bad) {
    it(`rejects ${what} with ${code}`, () => {
      assert.throws(() => resolvePlan(input), { code });
    });
  }
});

describe('parseDuration', () => {
  const cases: Array<[string, number]> = [
    ['10s', 10_000],
    ['250ms', 250],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['5', 5000],
    ['0.5s', 500],
  ];
  for (const [text, ms] of cases) it(`reads ${text} as ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  for (const text of ['', 'ten', '10x', '-5s', '10s5']) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.throws(() => parseDuration(text), { code: 'INVALID_NUMBER' }));
  }
});

describe('the model follows from the input', () => {
  it('is open with a rate, with its own default cap on connections', () => {
    const plan = resolvePlan({ url: 'http://h/', rate: 50 });
    assert.equal(plan.model, 'open');
    assert.equal(plan.model === 'open' && plan.rate, 50);
    assert.equal(plan.connections, 100);
  });

  it('is closed with connection stages, as many loops as the highest target, lasting their total', () => {
    const plan = resolvePlan({
      url: 'http://h/',
      stages: [
        { durationMs: 1000, target: 7 },
        { durationMs: 500, target: 3 },
      ],
    });
    assert.equal(plan.model, 'closed');
    assert.equal(plan.connections, 7);
    assert.equal(plan.durationMs, 1500);
  });
});

describe('parseRate and parseStage', () => {
  it('reads rates with and without /s and k', () => {
    assert.deepEqual(
      ['500', '500/s', '2.5k', '1k/s'].map((t) => parseRate(t)),
      [500, 500, 2500, 1000],
    );
    assert.throws(() => parseRate('fast', '--rate'), /--rate must be requests per second/);
  });

  it('tells rate stages from connection stages, and refuses a mix', () => {
    assert.deepEqual(stagesOf(['30s:500/s', '1m:0/s'].map(parseStage)), {
      model: 'open',
      stages: [
        { durationMs: 30_000, target: 500 },
        { durationMs: 60_000, target: 0 },
      ],
    });
    assert.equal(stagesOf([parseStage('1s:5')]).model, 'closed');
    assert.throws(() => stagesOf(['1s:5/s', '1s:5'].map(parseStage)), /not a mix/);
    assert.throws(() => parseStage('30s'), /--stage must be DURATION:TARGET/);
    assert.throws(() => parseStage('0s:5'), /positive duration/);
  });
});
