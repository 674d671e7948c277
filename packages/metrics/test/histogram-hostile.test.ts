import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import {
  createIntervalHistogram,
  createTotalHistogram,
  encodeHistogram,
  MAX_INFLATED_HISTOGRAM_BYTES,
  readEncodedHistogram,
  SIGNIFICANT_DIGITS,
} from '../src/index.js';

// Histogram bytes as a hostile agent would craft them: the V2 encoding written by hand, then compressed.
const V2_COOKIE = 0x1c849313;
const V2_COMPRESSED_COOKIE = 0x1c849314;

/** A V2 header (40 bytes) followed by `payload`, compressed as the wire carries it. */
function crafted(payload: Uint8Array, layout: { digits?: number; lowest?: number; padTo?: number } = {}): Uint8Array {
  const raw = Buffer.alloc(Math.max(40 + payload.byteLength, layout.padTo ?? 0));
  raw.writeInt32BE(V2_COOKIE, 0);
  raw.writeInt32BE(raw.byteLength - 40, 4);
  raw.writeInt32BE(0, 8);
  raw.writeInt32BE(layout.digits ?? SIGNIFICANT_DIGITS, 12);
  raw.writeBigInt64BE(BigInt(layout.lowest ?? 1), 16);
  raw.writeBigInt64BE(2n ** 40n, 24);
  raw.writeDoubleBE(1, 32);
  raw.set(payload, 40);
  const deflated = deflateSync(raw);
  const out = Buffer.alloc(8 + deflated.byteLength);
  out.writeInt32BE(V2_COMPRESSED_COOKIE, 0);
  out.writeInt32BE(deflated.byteLength, 4);
  out.set(deflated, 8);
  return out;
}

/** ZigZag LEB128, as HdrHistogram writes its counts (positive) and runs of empty buckets (negative). */
function word(value: number): number[] {
  let n = value >= 0 ? value * 2 : -value * 2 - 1;
  const out: number[] = [];
  while (n >= 128) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return out;
}

describe('readEncodedHistogram, given bytes from a hostile agent', () => {
  it('refuses a decompression bomb at the bound, without inflating it', () => {
    // 64 MiB of zeros compress to about 64 KiB; the real thing was 1 GiB from 1 MB.
    const bomb = crafted(new Uint8Array(0), { padTo: 64 * 1024 * 1024 });
    assert.ok(bomb.byteLength < 100_000, `${bomb.byteLength} bytes on the wire`);
    const before = process.memoryUsage().arrayBuffers;
    assert.throws(() => readEncodedHistogram(bomb), /inflates beyond/);
    assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 1024 * 1024, 'inflating stopped at the bound');
    assert.ok(MAX_INFLATED_HISTOGRAM_BYTES < 1024 * 1024, `${MAX_INFLATED_HISTOGRAM_BYTES} bytes at most`);
  });

  it('refuses a bucket index outside the layout (2^50), before touching a target', () => {
    const target = createTotalHistogram();
    const bytes = crafted(Uint8Array.from([...word(-(2 ** 50)), ...word(1)]));
    assert.throws(() => readEncodedHistogram(bytes).addTo([target]), /outside its layout/);
    assert.equal(target.totalCount, 0);
  });

  it('refuses a layout finer than the one recorded, and counts beyond 32 bits', () => {
    assert.throws(() => readEncodedHistogram(crafted(Uint8Array.from(word(1)), { digits: 5 })), /significant digits/);
    assert.throws(() => readEncodedHistogram(crafted(Uint8Array.from(word(1)), { lowest: 0 })), /not a layout/);
    assert.throws(() => readEncodedHistogram(crafted(Uint8Array.from(word(2 ** 33)))), /exceeds 32 bits/);
  });

  it('refuses a compressed length beyond the bytes it came in', () => {
    const good = Buffer.from(encodeHistogram(createIntervalHistogram()));
    good.writeInt32BE(good.byteLength, 4);
    assert.throws(() => readEncodedHistogram(good), /truncated/);
  });

  it('still reads every value an engine can record, up to 2^53', () => {
    const h = createIntervalHistogram();
    for (const v of [1, 1000, 3_600_000_000, 2 ** 52, Number.MAX_SAFE_INTEGER]) h.recordValue(v);
    const target = createTotalHistogram();
    const read = readEncodedHistogram(encodeHistogram(h));
    read.addTo([target]);
    assert.equal(read.count, 5);
    assert.equal(target.totalCount, 5);
    assert.equal(target.maxValue, h.maxValue);
  });
});
