import { deflateSync } from 'node:zlib';
import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import type { Internals } from './histogram-internals.js';
import { encodeV2, V2_COOKIE } from './v2-encoding.js';

export type { Internals } from './histogram-internals.js';

export type { Histogram };

/** Values are integer microseconds; 3 significant digits keep every percentile within 0.1%. */
export const SIGNIFICANT_DIGITS = 3;

/**
 * A histogram for recording one interval (32-bit counts: an interval never holds 4 billion samples in one bucket).
 * It auto-resizes, so no latency is ever too large to record.
 */
export function createIntervalHistogram(): Histogram {
  return build({ bitBucketSize: 32, numberOfSignificantValueDigits: SIGNIFICANT_DIGITS, autoResize: true });
}

/** A histogram for sums over many intervals and agents (64-bit counts, so long runs cannot overflow a bucket). */
export function createTotalHistogram(): Histogram {
  return build({ bitBucketSize: 64, numberOfSignificantValueDigits: SIGNIFICANT_DIGITS, autoResize: true });
}

/** HdrHistogram's compressed encoding, as base64 text (the form in result files and .hlog files). */
export function encodeHistogramBase64(h: Histogram): string {
  return encodeIntoCompressedBase64(h);
}

/**
 * HdrHistogram's V2 encoding, not deflated, as bytes: the form on the wire (protocol version 6 on), which a
 * controller reads without inflating. Result files keep the compressed base64 form (`encodeHistogramBase64`).
 */
export function encodeHistogram(h: Histogram): Uint8Array {
  return encodeV2(h);
}

/**
 * Decodes the wire form (one interval of one agent), V2 or compressed V2; throws on bytes that are neither.
 * 32-bit counts, as recorded: decoding into 64-bit buckets costs 2.5 times as much. Add it into a total
 * histogram (64-bit) to keep sums. The fast path is `readEncodedHistogram`; this is the library's own decoder
 * (V2 is handed to it deflated, the one form it takes), for other layouts and for tests.
 */
export function decodeHistogram(bytes: Uint8Array): Histogram {
  let compressed = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength >= 4 && compressed.readInt32BE(0) === V2_COOKIE) {
    const deflated = deflateSync(compressed);
    const head = Buffer.alloc(8);
    head.writeInt32BE(V2_COOKIE + 1, 0);
    head.writeInt32BE(deflated.byteLength, 4);
    compressed = Buffer.concat([head, deflated]);
  }
  return decodeFromCompressedBase64(compressed.toString('base64'), 32);
}

/** Decodes the base64 form found in result files. */
export function decodeHistogramBase64(text: string): Histogram {
  return decodeFromCompressedBase64(text, 64);
}

/**
 * Mean and standard deviation in one pass over the counts (the library walks an iterator twice, which costs
 * more than everything else in a summary). Same arithmetic, same order, so the same figures to the last bit.
 */
export function meanAndStdDeviation(h: Histogram): { mean: number; stdDeviation: number } {
  const total = h.totalCount;
  if (total === 0) return { mean: 0, stdDeviation: 0 };
  const x = h as unknown as Internals;
  const length = x.countsArrayLength;
  const half = x.subBucketHalfCount;
  const medians: number[] = [];
  const counts: number[] = [];
  let sum = 0;
  let seen = 0;
  for (let i = 0; i < length && seen < total; i++) {
    const count = x.getCountAtIndex(i);
    if (count > 0) {
      // The library's medianEquivalentValue(highestEquivalentValue(valueFromIndex(i))), from the index alone:
      // the bucket's lowest value plus half its width.
      const width = 2 ** (Math.max(Math.floor(i / half) - 1, 0) + x.unitMagnitude);
      const median = x.valueFromIndex(i) + Math.floor(width / 2);
      medians.push(median);
      counts.push(count);
      sum += median * count;
      seen += count;
    }
  }
  const mean = sum / total;
  let deviations = 0;
  for (let k = 0; k < medians.length; k++) {
    const d = (medians[k] as number) - mean;
    deviations += d * d * (counts[k] as number);
  }
  return { mean, stdDeviation: Math.sqrt(deviations / total) };
}
