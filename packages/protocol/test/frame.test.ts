import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { decode, encode, MAX_FRAME_BYTES, PROTOCOL_VERSION, ProtocolError } from '../src/index.js';

describe('frames', () => {
  it('round-trips every field of a Plan with the protocol version', () => {
    const bytes = encode('plan', {
      runId: 'r1',
      url: 'http://127.0.0.1:8080/x?y=1',
      method: 'POST',
      headers: [{ name: 'x-a', value: '1' }],
      body: Buffer.from('hello'),
      connections: 7,
      durationMs: 0,
      requests: 20000,
      client: 2,
      timeoutMs: 1500,
      intervalMs: 1000,
    });
    const msg = decode(bytes);
    assert.equal(msg.kind, 'plan');
    assert.equal(msg.version, PROTOCOL_VERSION);
    if (msg.kind !== 'plan') return;
    assert.equal(msg.body.url, 'http://127.0.0.1:8080/x?y=1');
    assert.equal(msg.body.method, 'POST');
    assert.deepEqual(
      msg.body.headers.map((h) => [h.name, h.value]),
      [['x-a', '1']],
    );
    assert.equal(Buffer.from(msg.body.body).toString(), 'hello');
    assert.equal(msg.body.connections, 7);
    assert.equal(msg.body.requests, 20000);
    assert.equal(typeof msg.body.requests, 'number');
    assert.equal(msg.body.client, 2);
  });

  it('round-trips an Interval with its histogram bytes and counts', () => {
    const histogram = randomBytes(300);
    const msg = decode(
      encode('interval', {
        runId: 'r',
        seq: 3,
        startMs: 3000,
        endMs: 4000,
        histogram,
        statuses: [{ status: 200, count: 12345 }],
        errors: [{ kind: 'ECONNRESET', count: 2 }],
        bytesSent: 2 ** 40,
        bytesReceived: 5,
      }),
    );
    assert.equal(msg.kind, 'interval');
    if (msg.kind !== 'interval') return;
    assert.deepEqual(Buffer.from(msg.body.histogram), histogram);
    assert.equal(msg.body.seq, 3);
    assert.equal(msg.body.statuses[0]?.count, 12345);
    assert.equal(msg.body.errors[0]?.kind, 'ECONNRESET');
    assert.equal(msg.body.bytesSent, 2 ** 40);
  });

  it('decodes 64-bit fields left at zero as the number 0, not a Long', () => {
    // Zero is not on the wire, so the value comes from the generated prototype's default.
    const msg = decode(encode('interval', { runId: 'r', seq: 0, histogram: Buffer.alloc(0) }));
    if (msg.kind !== 'interval') return assert.fail(`decoded ${msg.kind}`);
    assert.strictEqual(msg.body.bytesReceived, 0);
    assert.strictEqual(msg.body.bytesSent, 0);
    assert.strictEqual(msg.body.seq, 0);
  });

  it('rejects random bytes with a typed error, never a crash', () => {
    let rejected = 0;
    for (let i = 0; i < 200; i++) {
      try {
        decode(randomBytes(1 + (i % 64)));
      } catch (err) {
        assert.ok(err instanceof ProtocolError, String(err));
        rejected++;
      }
    }
    // Random bytes occasionally parse as a valid envelope; most must not.
    assert.ok(rejected > 150, `only ${rejected} of 200 random frames were rejected`);
  });

  it('rejects an empty envelope and an oversized frame', () => {
    assert.throws(() => decode(new Uint8Array(0)), { code: 'EMPTY_FRAME' });
    assert.throws(() => decode(new Uint8Array(MAX_FRAME_BYTES + 1)), { code: 'FRAME_TOO_LARGE' });
  });
});
