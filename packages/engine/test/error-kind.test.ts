import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';
import { describe, it } from 'node:test';
import { resolvePlan } from '@volley/plan';
import { classifyError, firstErrorMessage, startRun } from '../src/index.js';

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
    ['EMFILE', 'EMFILE'],
    ['ENFILE', 'ENFILE'],
    ['EWHATEVER', 'other:EWHATEVER'],
    ['UND_ERR_INVALID_ARG', 'other:UND_ERR_INVALID_ARG'],
    ['a code with spaces\nand a newline', 'other:acodewithspacesandanewline'],
    ['', 'other'],
  ];
  for (const [code, kind] of cases) {
    it(`classifies ${code} as ${kind}`, () => assert.equal(classifyError(Object.assign(new Error(), { code })), kind));
  }
  it('classifies an error without a code as other', () => assert.equal(classifyError(new Error('x')), 'other'));
  it('keeps the name of an error without a code', () => {
    assert.equal(classifyError(new TypeError('bad')), 'other:TypeError');
  });
  it('keeps the first message of each kind, and only the first', () => {
    classifyError(Object.assign(new Error('ENOTSUP: not here'), { code: 'ENOTSUP' }));
    classifyError(Object.assign(new Error('a later one'), { code: 'ENOTSUP' }));
    assert.equal(firstErrorMessage('other:ENOTSUP'), 'ENOTSUP: not here');
  });
  it('every kind it makes is one the wire accepts: printable, no spaces, at most 64 characters', () => {
    const code = `X${'y'.repeat(200)} z`;
    const kind = classifyError(Object.assign(new Error(), { code }));
    assert.match(kind, /^[\x21-\x7e]{1,64}$/);
  });
  it("classifies undici's HTTPParserError without a code as protocol", () => {
    assert.equal(classifyError(Object.assign(new Error('Expected HTTP/'), { name: 'HTTPParserError' })), 'protocol');
  });
});

describe('a response that is not HTTP', () => {
  it('is counted as a protocol error, not as other', async () => {
    const server = createServer((socket) => socket.on('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const byError = new Map<string, number>();
      const plan = resolvePlan({ url: `http://127.0.0.1:${port}/`, requests: 20, connections: 2 });
      await startRun(plan, (i) => {
        for (const [k, n] of Object.entries(i.byError)) byError.set(k, (byError.get(k) ?? 0) + n);
      }).done;
      assert.deepEqual([...byError], [['protocol', 20]]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
