import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError, DEFAULT_CONNECTIONS, DEFAULT_DURATION_MS, parseDuration, resolvePlan } from '../src/index.js';

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
  ];
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

describe('classifyError', () => {
  const cases: Array<[string, string]> = [
    ['ECONNREFUSED', 'ECONNREFUSED'],
    ['UND_ERR_SOCKET', 'ECONNRESET'],
    ['EPIPE', 'ECONNRESET'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timeout'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timeout'],
    ['EADDRNOTAVAIL', 'EADDRNOTAVAIL'],
    ['ENOTFOUND', 'DNS'],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'TLS'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS'],
    ['HPE_INVALID_CONSTANT', 'protocol'],
    ['VOLLEY_ABORTED', 'aborted'],
    ['EWHATEVER', 'other'],
  ];
  for (const [code, kind] of cases) {
    it(`classifies ${code} as ${kind}`, () => assert.equal(classifyError(Object.assign(new Error(), { code })), kind));
  }
  it('classifies an error without a code as other', () => assert.equal(classifyError(new Error('x')), 'other'));
});
