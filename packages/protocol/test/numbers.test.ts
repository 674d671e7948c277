import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import $protobuf from 'protobufjs/minimal.js';
import { decode, encode } from '../src/index.js';

/** The varint of `value`, as LEB128 bytes. */
function varint(value: bigint): number[] {
  const bytes: number[] = [];
  let v = value;
  do {
    const low = Number(v & 127n);
    v >>= 7n;
    bytes.push(v > 0n ? low | 128 : low);
  } while (v > 0n);
  return bytes;
}

/** A reader over `bytes` whose uint64 is read once. */
function readUint64(bytes: number[]): number {
  const reader = $protobuf.Reader.create(Uint8Array.from(bytes));
  return reader.uint64() as unknown as number;
}

describe('uint64 off the wire', () => {
  it('is read by our own reader, not by way of a LongBits object', () => {
    assert.equal($protobuf.Reader.prototype.uint64.name, 'readUint64');
  });

  it('is the nearest number to the varint, as protobufjs makes of it (lo + hi * 2^32)', () => {
    const values = [0n, 1n, 127n, 128n, 300n, 2n ** 21n - 1n, 2n ** 28n - 1n, 2n ** 28n, 2n ** 31n, 2n ** 32n - 1n];
    values.push(2n ** 32n, 2n ** 35n - 1n, 2n ** 35n + 5n, 2n ** 49n + 3n, 2n ** 53n - 1n, 2n ** 53n + 1n);
    values.push(2n ** 63n + 12345n, 2n ** 64n - 1n);
    for (let shift = 0n; shift < 64n; shift += 3n) values.push((1n << shift) + shift);
    for (const value of values) {
      assert.equal(readUint64(varint(value)), Number(value), `${value}`);
    }
  });

  it('takes the same bytes as before: over-long encodings of a small value, and a word of ten bytes', () => {
    // 5 as a 3-byte varint, and 1 in the 10th byte's lowest bit (2^63).
    assert.equal(readUint64([0x85, 0x80, 0x00]), 5);
    assert.equal(readUint64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]), 2 ** 63);
  });

  it('refuses a varint cut short or longer than ten bytes', () => {
    for (const bytes of [[], [0x80], [0xff, 0xff, 0xff, 0xff], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]]) {
      assert.throws(() => readUint64(bytes), RangeError, `${bytes}`);
    }
    assert.throws(() => readUint64([...Array(10).fill(0x80), 0x01]), /invalid varint encoding/);
  });

  it('goes through a frame: an interval keeps its 64-bit counts', () => {
    const frame = encode('interval', {
      runId: 'r',
      seq: 3,
      bytesSent: 2 ** 40 + 7,
      late: 2 ** 53 - 1,
      classBuckets: [{ statusClass: 2, counts: [0, 1, 2 ** 33, 2 ** 52 + 1] }],
    });
    const msg = decode(frame);
    assert.equal(msg.kind, 'interval');
    if (msg.kind !== 'interval') return;
    assert.equal(msg.body.bytesSent, 2 ** 40 + 7);
    assert.equal(msg.body.late, 2 ** 53 - 1);
    assert.deepEqual(msg.body.classBuckets[0]?.counts, [0, 1, 2 ** 33, 2 ** 52 + 1]);
  });
});
