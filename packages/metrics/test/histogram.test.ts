import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inflateSync } from 'node:zlib';
import { build } from 'hdr-histogram-js';
import {
  BucketArena,
  createIntervalHistogram,
  createTotalHistogram,
  decodeHistogram,
  encodeHistogram,
  encodeHistogramBase64,
  type Histogram,
  meanAndStdDeviation,
  readEncodedHistogram,
} from '../src/index.js';

/** A deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

/** Latency-like spreads: a tight body, a long tail, zeros, one value, nothing, and values past an hour. */
const shapes: Array<[string, (seed: number) => number[]]> = [
  [
    'long tail',
    (s) =>
      Array.from(
        { length: 5000 },
        (
          (r) => () =>
            Math.round(200 + 50_000 * r() ** 6)
        )(random(s)),
      ),
  ],
  [
    'uniform',
    (s) =>
      Array.from(
        { length: 3000 },
        (
          (r) => () =>
            Math.floor(r() * 10_000)
        )(random(s)),
      ),
  ],
  [
    'with zeros',
    (s) =>
      Array.from(
        { length: 100 },
        (
          (r) => () =>
            r() < 0.3 ? 0 : Math.floor(r() * 900)
        )(random(s)),
      ),
  ],
  ['one value', (s) => [s * 37]],
  ['empty', () => []],
  [
    'huge',
    (s) =>
      Array.from(
        { length: 50 },
        (
          (r) => () =>
            Math.floor(r() * 4e9)
        )(random(s)),
      ),
  ],
];

function histogramOf(values: number[]): Histogram {
  const h = createIntervalHistogram();
  for (const v of values) h.recordValue(v);
  return h;
}

/** Every figure a report shows, plus the library's own mean and deviation, to compare two histograms with. */
function figures(h: Histogram) {
  return {
    count: h.totalCount,
    min: h.minNonZeroValue,
    max: h.maxValue,
    mean: h.mean,
    stdDeviation: h.stdDeviation,
    percentiles: [0, 1, 25, 50, 75, 90, 99, 99.9, 99.99, 100].map((p) => h.getValueAtPercentile(p)),
  };
}

describe('readEncodedHistogram', () => {
  for (const [name, values] of shapes) {
    it(`adds the same as decode and add: ${name}`, () => {
      for (const seed of [1, 7, 42]) {
        // Targets that already hold something, as an agent's total does after its first interval.
        const before = values(seed + 100);
        const slow = createTotalHistogram();
        const fast = createTotalHistogram();
        for (const v of before) {
          slow.recordValue(v);
          fast.recordValue(v);
        }
        const bytes = encodeHistogram(histogramOf(values(seed)));
        const decoded = decodeHistogram(bytes);
        slow.add(decoded);
        const read = readEncodedHistogram(bytes);
        read.addTo([fast]);
        assert.equal(read.count, decoded.totalCount);
        assert.deepEqual(figures(fast), figures(slow), `seed ${seed}`);
      }
    });
  }

  it('reads many histograms into one arena, growing it, each still adding what it holds (32- and 64-bit)', () => {
    const arena = new BucketArena();
    const all = shapes.flatMap(([, values]) => [1, 2, 3].map((seed) => encodeHistogram(histogramOf(values(seed)))));
    const reads = all.map((bytes) => readEncodedHistogram(bytes, arena));
    assert.ok(arena.indexes.length > 4096, 'the arena grew past its first size');
    for (const [i, read] of reads.entries()) {
      const bytes = all[i] as Uint8Array;
      for (const make of [createIntervalHistogram, createTotalHistogram]) {
        const slow = make();
        slow.add(decodeHistogram(bytes));
        const fast = make();
        read.addTo([fast]);
        assert.deepEqual(figures(fast), figures(slow), `histogram ${i}`);
      }
    }
    arena.reset();
    assert.equal(arena.used, 0);
  });

  it('adds into several targets at once, each as if alone', () => {
    const bytes = encodeHistogram(histogramOf(shapes[0]?.[1](3) ?? []));
    const a = createTotalHistogram();
    const b = createTotalHistogram();
    a.recordValue(5_000_000);
    readEncodedHistogram(bytes).addTo([a, b]);
    const alone = createTotalHistogram();
    alone.add(decodeHistogram(bytes));
    assert.deepEqual(figures(b), figures(alone));
    assert.equal(a.totalCount, alone.totalCount + 1);
    assert.equal(a.maxValue, 5_000_000); // its own larger value stays its maximum
  });

  it('adds into a 32-bit target bucket by bucket through the library once its total nears 2^32, as it adds', () => {
    const near = (): Histogram => {
      const h = createIntervalHistogram();
      h.recordValueWithCount(1000, 2 ** 32 - 2);
      return h;
    };
    const bytes = encodeHistogram(histogramOf([5, 1000, 2000]));
    const slow = near();
    slow.add(decodeHistogram(bytes));
    const fast = near();
    readEncodedHistogram(bytes).addTo([fast]);
    assert.deepEqual(figures(fast), figures(slow));
    assert.equal(fast.totalCount, 2 ** 32 + 1);
  });

  it('maps buckets through the library when the layouts differ', () => {
    const coarse = build({ numberOfSignificantValueDigits: 2, autoResize: true });
    for (const v of shapes[0]?.[1](5) ?? []) coarse.recordValue(v);
    const bytes = encodeHistogram(coarse);
    const slow = createTotalHistogram();
    slow.add(decodeHistogram(bytes));
    const fast = createTotalHistogram();
    readEncodedHistogram(bytes).addTo([fast]);
    assert.deepEqual(figures(fast), figures(slow));
  });

  it('refuses bytes that are not a histogram, before touching a target', () => {
    const good = encodeHistogram(histogramOf([1, 2, 3]));
    const truncated = good.subarray(0, good.byteLength - 3);
    const notOne = new TextEncoder().encode('hello, this is not a histogram');
    for (const bytes of [new Uint8Array(0), notOne, truncated]) {
      assert.throws(() => readEncodedHistogram(bytes));
    }
  });
});

describe('encodeHistogram (the wire form: plain V2)', () => {
  /** The library's own V2 encoding: what its compressed form inflates to. */
  const libraryV2 = (h: Histogram): Buffer => {
    const compressed = Buffer.from(encodeHistogramBase64(h), 'base64');
    return inflateSync(compressed.subarray(8, 8 + compressed.readInt32BE(4)));
  };

  it('writes byte for byte what the library compresses, for every shape, 32- and 64-bit', () => {
    for (const [name, values] of shapes) {
      for (const make of [createIntervalHistogram, createTotalHistogram]) {
        const h = make();
        for (const v of values(3)) h.recordValue(v);
        assert.deepEqual(Buffer.from(encodeHistogram(h)), libraryV2(h), name);
      }
    }
  });

  it('writes counts past 32 bits and runs of empty buckets past 2^28 as the library does', () => {
    const h = createTotalHistogram();
    h.recordValueWithCount(1, 2 ** 40 + 3);
    h.recordValueWithCount(2 ** 52, 5);
    h.recordValueWithCount(3_000_000, 2 ** 33);
    assert.deepEqual(Buffer.from(encodeHistogram(h)), libraryV2(h));
  });

  it('is read the same as the compressed form it replaces on the wire', () => {
    const h = histogramOf(shapes[0]?.[1](9) ?? []);
    const plain = createTotalHistogram();
    const compressed = createTotalHistogram();
    readEncodedHistogram(encodeHistogram(h)).addTo([plain]);
    readEncodedHistogram(Buffer.from(encodeHistogramBase64(h), 'base64')).addTo([compressed]);
    assert.deepEqual(figures(plain), figures(compressed));
    assert.equal(plain.totalCount, h.totalCount);
  });
});

describe('meanAndStdDeviation', () => {
  for (const [name, values] of shapes) {
    it(`equals the library's figures to the bit: ${name}`, () => {
      for (const seed of [2, 9]) {
        const h = createTotalHistogram();
        for (const v of values(seed)) h.recordValue(v);
        assert.deepEqual(meanAndStdDeviation(h), { mean: h.mean, stdDeviation: h.stdDeviation });
      }
    });
  }
});

describe('meanAndStdDeviation, other layouts', () => {
  it('equals the library for 2 digits and a coarser unit', () => {
    const h = build({
      numberOfSignificantValueDigits: 2,
      lowestDiscernibleValue: 8,
      highestTrackableValue: 1024,
      autoResize: true,
    });
    for (const v of shapes[0]?.[1](11) ?? []) h.recordValue(v);
    assert.deepEqual(meanAndStdDeviation(h), { mean: h.mean, stdDeviation: h.stdDeviation });
  });
});
