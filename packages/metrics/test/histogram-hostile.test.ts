import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { addAccepted } from '../src/accepted-add.js';
import { addInPlace } from '../src/encoded-histogram.js';
import {
  createIntervalHistogram,
  createTotalHistogram,
  decodeHistogram,
  encodeHistogram,
  encodeHistogramBase64,
  MAX_INFLATED_HISTOGRAM_BYTES,
  readEncodedHistogram,
  SIGNIFICANT_DIGITS,
} from '../src/index.js';

// Histogram bytes as a hostile agent would craft them: the V2 encoding written by hand, then compressed (or not:
// the plain form is the wire's from protocol version 6 on).
const V2_COOKIE = 0x1c849313;
const V2_COMPRESSED_COOKIE = 0x1c849314;

/** A V2 header (40 bytes) followed by `payload`, compressed unless `plain`. */
function crafted(
  payload: Uint8Array,
  layout: { digits?: number; lowest?: number; highest?: bigint; padTo?: number; plain?: boolean } = {},
): Uint8Array {
  const raw = Buffer.alloc(Math.max(40 + payload.byteLength, layout.padTo ?? 0));
  raw.writeInt32BE(V2_COOKIE, 0);
  raw.writeInt32BE(raw.byteLength - 40, 4);
  raw.writeInt32BE(0, 8);
  raw.writeInt32BE(layout.digits ?? SIGNIFICANT_DIGITS, 12);
  raw.writeBigInt64BE(BigInt(layout.lowest ?? 1), 16);
  raw.writeBigInt64BE(layout.highest ?? 2n ** 40n, 24);
  raw.writeDoubleBE(1, 32);
  raw.set(payload, 40);
  if (layout.plain) return raw;
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
    const good = Buffer.from(encodeHistogramBase64(createIntervalHistogram()), 'base64');
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

describe('readEncodedHistogram, given plain V2 bytes from a hostile agent', () => {
  const plain = (
    payload: number[],
    layout: { digits?: number; lowest?: number; highest?: bigint; padTo?: number } = {},
  ) => crafted(Uint8Array.from(payload), { ...layout, plain: true });

  it('refuses more bytes than the bound before reading any', () => {
    const big = plain([], { padTo: MAX_INFLATED_HISTOGRAM_BYTES + 1 });
    assert.throws(() => readEncodedHistogram(big), /exceeds/);
  });

  it('refuses a bucket index outside the layout (2^50), before touching a target', () => {
    const target = createTotalHistogram();
    assert.throws(() => readEncodedHistogram(plain([...word(-(2 ** 50)), ...word(1)])).addTo([target]), /outside/);
    assert.equal(target.totalCount, 0);
  });

  it('refuses a layout finer than the one recorded, and counts beyond 32 bits', () => {
    assert.throws(() => readEncodedHistogram(plain(word(1), { digits: 5 })), /significant digits/);
    assert.throws(() => readEncodedHistogram(plain(word(1), { lowest: 0 })), /not a layout/);
    // The library builds no histogram whose highest value is below twice its lowest.
    assert.throws(() => readEncodedHistogram(plain(word(1), { lowest: 1000, highest: 1999n })), /not a layout/);
    assert.throws(() => readEncodedHistogram(plain(word(2 ** 33))), /exceeds 32 bits/);
  });

  it('refuses a payload length other than the bytes that follow the header, either way', () => {
    for (const delta of [-1, 1, 1000]) {
      const bytes = Buffer.from(plain([...word(3), ...word(-5), ...word(2)]));
      bytes.writeInt32BE(bytes.byteLength - 40 + delta, 4);
      assert.throws(() => readEncodedHistogram(bytes), /payload of/, `payload length off by ${delta}`);
    }
    assert.throws(() => readEncodedHistogram(plain([]).subarray(0, 39)), /truncated/);
  });

  it('refuses a word cut off by the end of the payload, and a cookie of neither form', () => {
    assert.throws(() => readEncodedHistogram(plain([...word(1), 0x80 | 5])), /truncated/);
    const other = Buffer.from(plain(word(1)));
    other.writeInt32BE(0x1c849301, 0);
    assert.throws(() => readEncodedHistogram(other), /not a V2/);
  });

  it('reads what the library reads: same total, same buckets, up to 2^53', () => {
    const h = createIntervalHistogram();
    for (const v of [1, 1000, 3_600_000_000, 2 ** 52, Number.MAX_SAFE_INTEGER]) h.recordValue(v);
    for (let i = 0; i < 5000; i++) h.recordValue(200 + ((i * 7919) % 50_000));
    const bytes = encodeHistogram(h);
    const target = createTotalHistogram();
    const read = readEncodedHistogram(bytes);
    read.addTo([target]);
    const library = decodeHistogram(bytes);
    assert.equal(read.count, library.totalCount);
    assert.equal(target.totalCount, library.totalCount);
    for (const p of [0, 1, 50, 90, 99, 99.99, 100]) {
      assert.equal(target.getValueAtPercentile(p), library.getValueAtPercentile(p), `p${p}`);
    }
    assert.equal(target.minNonZeroValue, library.minNonZeroValue);
    assert.equal(target.maxValue, library.maxValue);
  });
});

describe('readEncodedHistogram, the walk of its words', () => {
  const figures = (h: ReturnType<typeof createTotalHistogram>) => ({
    count: h.totalCount,
    min: h.minNonZeroValue,
    max: h.maxValue,
    mean: h.mean,
    percentiles: [0, 1, 25, 50, 75, 90, 99, 99.9, 100].map((p) => h.getValueAtPercentile(p)),
  });

  /** A deterministic generator, so a failure names a seed that reproduces it. */
  const random = (seed: number) => {
    let x = seed;
    return () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
  };

  it('reads every mix of one-byte and longer words, at every offset, as the library decodes it', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = random(seed);
      const words: number[] = [];
      // A lead of 0 to 3 one-byte counts puts the longer words at every offset of the four bytes read at once.
      for (let i = 0; i < seed % 4; i++) words.push(...word(1 + i));
      for (let i = 0; i < 300; i++) {
        const kind = r();
        if (kind < 0.45)
          words.push(...word(Math.floor(r() * 64))); // a one-byte count, 0 among them
        else if (kind < 0.8)
          words.push(...word(-1 - Math.floor(r() * 64))); // a one-byte run
        else if (kind < 0.9)
          words.push(...word(64 + Math.floor(r() * 100_000))); // a count of 2-3 bytes
        else words.push(...word(-65 - Math.floor(r() * 300))); // a run of 2 bytes
      }
      const bytes = crafted(Uint8Array.from(words), { plain: true });
      const slow = createTotalHistogram();
      slow.add(decodeHistogram(bytes));
      const fast = createTotalHistogram();
      const read = readEncodedHistogram(bytes);
      read.addTo([fast]);
      assert.equal(read.count, slow.totalCount, `seed ${seed}`);
      const percentiles = (h: typeof fast) => [0, 10, 33, 50, 77, 90, 99, 100].map((p) => h.getValueAtPercentile(p));
      // The maximum is its bucket's highest equivalent value, as a histogram the library decodes reports it.
      const max = (h: typeof fast) =>
        (h as unknown as { highestEquivalentValue(v: number): number }).highestEquivalentValue(h.maxValue);
      assert.deepEqual(
        { min: fast.minNonZeroValue, max: max(fast), mean: fast.mean, p: percentiles(fast) },
        { min: slow.minNonZeroValue, max: max(slow), mean: slow.mean, p: percentiles(slow) },
        `seed ${seed}`,
      );
    }
  });

  it('refuses a count past the layout reached by one-byte runs after a clamped long one', () => {
    const target = createTotalHistogram();
    const past = [...word(-(2 ** 50)), ...word(-5), ...word(-5), ...word(-5), ...word(-5), ...word(1)];
    assert.throws(
      () => readEncodedHistogram(crafted(Uint8Array.from(past), { plain: true })).addTo([target]),
      /outside/,
    );
    assert.equal(target.totalCount, 0);
  });

  it('adds an accepted histogram into a total in one pass as reading and adding it does, on a total that holds some', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = random(seed);
      const h = createIntervalHistogram();
      for (let i = 0; i < 2000; i++) h.recordValue(Math.round(r() < 0.05 ? r() * 5e6 : 100 + 2000 * r() ** 3));
      if (seed % 5 === 0) h.recordValueWithCount(0, 3); // value 0: not the minimum
      const bytes = encodeHistogram(h);
      const slow = createTotalHistogram();
      const fast = createTotalHistogram();
      for (const t of [slow, fast]) t.recordValueWithCount(150 + seed, 7);
      readEncodedHistogram(bytes).addTo([slow]);
      addAccepted(bytes, fast);
      assert.deepEqual(figures(fast), figures(slow), `seed ${seed}`);
    }
  });

  it('adds a histogram whose header understates its values (no encoder writes one) as reading and adding it does', () => {
    // The header says values up to 2^40 (crafted's layout) but a bucket of ~2^45 is counted: past what the
    // total grows to from the header, so what went in is taken out and the buckets go in the way that resizes.
    const payload = Uint8Array.from([...word(5), ...word(-3), ...word(2), ...word(-40_000), ...word(9)]);
    const bytes = crafted(payload, { plain: true });
    const slow = createTotalHistogram();
    const fast = createTotalHistogram();
    readEncodedHistogram(bytes).addTo([slow]);
    addAccepted(bytes, fast);
    assert.equal(fast.totalCount, 16);
    assert.deepEqual(figures(fast), figures(slow));
  });
});

describe('addInPlace: a histogram straight into the buckets of an open interval, checked as it goes', () => {
  const plain = (payload: number[]) => crafted(Uint8Array.from(payload), { plain: true });
  /** A 64-bit target that holds some values, grown to the crafted layout's 2^40 (as an open interval has grown). */
  const grown = () => {
    const h = createTotalHistogram();
    h.recordValueWithCount(1500, 3);
    h.recordValue(2 ** 40);
    return h;
  };
  const state = (h: ReturnType<typeof createTotalHistogram>) => {
    const buckets = (h as unknown as { _counts: Float64Array })._counts;
    return {
      count: h.totalCount,
      inBuckets: buckets.reduce((a, b) => a + b, 0),
      min: h.minNonZeroValue,
      max: h.maxValue,
      p: [0, 25, 50, 90, 99, 100].map((p) => h.getValueAtPercentile(p)),
    };
  };

  it('adds, once committed, what reading and adding adds, for every mix of words', () => {
    let x = 7;
    const r = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    for (let seed = 1; seed <= 30; seed++) {
      const words: number[] = [];
      for (let i = 0; i < seed % 4; i++) words.push(...word(1 + i));
      for (let i = 0; i < 200; i++) {
        const kind = r();
        if (kind < 0.45) words.push(...word(Math.floor(r() * 64)));
        else if (kind < 0.8) words.push(...word(-1 - Math.floor(r() * 64)));
        else if (kind < 0.9) words.push(...word(64 + Math.floor(r() * 100_000)));
        else words.push(...word(-65 - Math.floor(r() * 300)));
      }
      const bytes = plain(words);
      const slow = grown();
      readEncodedHistogram(bytes).addTo([slow]);
      const fast = grown();
      const added = addInPlace(bytes, fast);
      assert.ok(added, `seed ${seed}: in place`);
      assert.equal(added.count, slow.totalCount - 4, `seed ${seed}`);
      added.commit();
      assert.deepEqual(state(fast), state(slow), `seed ${seed}`);
    }
  });

  it('takes back exactly what it added when the caller refuses it', () => {
    const target = grown();
    const before = state(target);
    const added = addInPlace(plain([...word(5), ...word(-3), ...word(70_000), ...word(2)]), target);
    assert.ok(added);
    added.undo();
    assert.deepEqual(state(target), before);
  });

  it('refuses what reading refuses, with the same reason, leaving its target as it was', () => {
    const hostile: Array<[number[], RegExp]> = [
      [[...word(3), ...word(-(2 ** 50)), ...word(1)], /bucket 45056 is outside its layout of 45056/],
      // A long run up to the layout's end, then one-byte runs past it: the same bucket named either way.
      [[...word(-45_050), ...word(-3), ...word(-3), ...word(-3), ...word(-3), ...word(1)], /is outside its layout/],
      [[...word(3), ...word(4), ...word(2 ** 33)], /exceeds 32 bits/],
      [[...word(3), ...word(1), 0x80 | 5], /truncated/],
    ];
    for (const [payload, reason] of hostile) {
      const target = grown();
      const before = state(target);
      let read = '';
      try {
        readEncodedHistogram(plain(payload));
      } catch (err) {
        read = (err as Error).message;
      }
      assert.match(read, reason);
      assert.throws(
        () => addInPlace(plain(payload), target),
        (err: Error) => err.message === read,
      );
      assert.deepEqual(state(target), before, String(reason));
    }
  });

  it('leaves to reading what it cannot add in place: a target not grown that far, another layout, 32-bit buckets', () => {
    const bytes = plain([...word(-20_000), ...word(2)]);
    const small = createTotalHistogram();
    small.recordValue(10);
    const before = state(small);
    assert.equal(addInPlace(bytes, small), undefined);
    assert.deepEqual(state(small), before);
    assert.equal(addInPlace(crafted(Uint8Array.from(word(1)), { plain: true, digits: 2 }), grown()), undefined);
    assert.equal(addInPlace(plain(word(1)), createIntervalHistogram()), undefined);
    assert.equal(addInPlace(crafted(Uint8Array.from(word(1))), grown()), undefined, 'compressed');
  });
});
