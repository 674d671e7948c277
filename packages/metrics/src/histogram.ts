import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

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

/** HdrHistogram's compressed encoding, as bytes (the form on the wire). */
export function encodeHistogram(h: Histogram): Uint8Array {
  return Buffer.from(encodeIntoCompressedBase64(h), 'base64');
}

/**
 * Decodes the wire form (one interval of one agent); throws on bytes that are not a compressed HdrHistogram.
 * 32-bit counts, as recorded: decoding into 64-bit buckets costs 2.5 times as much, and a controller decodes one
 * of these per agent per second. Add it into a total histogram (64-bit) to keep sums.
 */
export function decodeHistogram(bytes: Uint8Array): Histogram {
  return decodeFromCompressedBase64(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    32,
  );
}

/** Decodes the base64 form found in result files. */
export function decodeHistogramBase64(text: string): Histogram {
  return decodeFromCompressedBase64(text, 64);
}
