import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError } from '../src/index.js';

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
