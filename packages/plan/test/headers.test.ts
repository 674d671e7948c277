import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describePlan, PlanError, resolvePlan } from '../src/index.js';

describe('headers', () => {
  const refused: Array<[string, string]> = [
    ['a CR/LF', 'a\r\nX-Injected: b'],
    ['a NUL', 'a\u0000b'],
    ['a DEL', 'a\u007fb'],
    ['a character beyond Latin-1', '\u2603'],
  ];
  for (const [what, value] of refused) {
    it(`refuses a value with ${what}, in plan and scenario headers alike`, () => {
      assert.throws(() => resolvePlan({ url: 'http://h/', headers: [['X-A', value]] }), /header X-A: the value holds/);
      const endpoint = { name: 'e', method: 'GET', path: '/', headers: [['X-A', value]] as Array<[string, string]> };
      assert.throws(
        () => resolvePlan({ url: 'http://h/', endpoints: [{ ...endpoint, body: null, weight: 1 }] }),
        (err: unknown) =>
          err instanceof PlanError && err.code === 'INVALID_HEADER' && /request e: header X-A/.test(err.message),
      );
    });
  }

  it('takes tabs, spaces and Latin-1 text', () => {
    const plan = resolvePlan({ url: 'http://h/', headers: [['X-A', 'a\tb c caf\u00e9']] });
    assert.deepEqual(plan.headers, [['X-A', 'a\tb c caf\u00e9']]);
  });

  it('masks the secret headers and the redacted ones in the plan section, and only there', () => {
    const headers: Array<[string, string]> = [
      ['Authorization', 'Bearer s3cret'],
      ['proxy-authorization', 'Basic s3cret'],
      ['Cookie', 'a=s3cret'],
      ['Set-Cookie', 'b=s3cret'],
      ['X-Api-Key', 's3cret'],
      ['X-Trace', 'shown'],
    ];
    const endpoint = { name: 'e', method: 'GET', path: '/', headers, body: null, weight: 1 };
    const plan = resolvePlan({ url: 'http://h/', headers, endpoints: [endpoint], redact: ['x-API-key'] });
    assert.deepEqual(plan.headers, headers, 'the plan the agents get keeps the values');
    const section = describePlan(plan);
    const masked = headers.map(([n, v]) => [n, n === 'X-Trace' ? v : '[redacted]']);
    assert.deepEqual(section.headers, masked);
    assert.deepEqual(section.endpoints?.[0]?.headers, masked);
  });

  it('refuses a --redact name that is not a header name', () => {
    assert.throws(() => resolvePlan({ url: 'http://h/', redact: ['no spaces'] }), /redact: not a header name/);
  });
});
