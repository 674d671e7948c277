// Reading histograms off the wire, the controller's hottest path: one per agent per second, added into others.
import { inflateSync } from 'node:zlib';
import { decodeHistogram, type Histogram, type Internals, SIGNIFICANT_DIGITS } from './histogram.js';

import { V2_COOKIE, V2_HEADER_BYTES } from './v2-encoding.js';
import { lowestCounted, walk, walkAdd, walked, walkedTop, walkFault, walkStop, walkSubtract } from './v2-walk.js';

const V2_COMPRESSED_COOKIE_BASE = 0x1c849304;
const V2_COOKIE_BASE = 0x1c849303;

/** A histogram read off the wire, ready to be added into others (see `readEncodedHistogram`). */
export interface EncodedHistogram {
  /** Number of values it holds. */
  readonly count: number;
  /** Adds its values into every target; the same as `target.add(decoded)` for each. */
  addTo(targets: readonly Histogram[]): void;
}

/**
 * Reads the wire form of one histogram (HdrHistogram's V2 encoding, plain or compressed) without building one for
 * it: the run-length encoded counts are walked once, and `addTo` records each non-empty bucket into the targets.
 * The same as `decodeHistogram` and `target.add` for each target at a fraction of the cost: a controller does
 * this for every agent every second. The bytes come from the wire, so nothing is trusted: either form is at most
 * MAX_INFLATED_HISTOGRAM_BYTES once plain (inflating stops there), a plain one is exactly its header and payload,
 * and the layout, every bucket index and every count are checked. Throws on bytes
 * that are not such a histogram, before any target is touched. With an `arena`, the buckets stay in it rather
 * than in arrays of their own: the result is good until the arena is reset (no allocation per read).
 */
export function readEncodedHistogram(bytes: Uint8Array, arena?: BucketArena): EncodedHistogram {
  const raw = plainEncoded(bytes);
  const { digits, lowest, buckets, end } = readLayout(raw);
  const into = arena ?? own;
  if (!arena) own.reset();
  // A word is at least a byte: never more buckets than bytes.
  into.reserve(end - V2_HEADER_BYTES);
  const from = into.used;
  const n = walk(raw, end, buckets, into.indexes, into.counts, from);
  into.used += n;
  const total = walked();
  // In an arena, views (valid until it is reset); otherwise copies of exactly what was read.
  const indexes = arena ? into.indexes.subarray(from, from + n) : into.indexes.slice(from, from + n);
  const counts = arena ? into.counts.subarray(from, from + n) : into.counts.slice(from, from + n);
  return {
    count: total,
    addTo(targets) {
      const first = targets[0] as unknown as (Internals & Histogram) | undefined;
      if (n === 0 || !first) return;
      const sameLayout = (t: Histogram): boolean =>
        t.numberOfSignificantValueDigits === digits && (t as unknown as Internals).lowestDiscernibleValue === lowest;
      if (!targets.every(sameLayout)) {
        // Another layout of buckets: let the library map values between them.
        const h = decodeHistogram(bytes);
        try {
          for (const t of targets) t.add(h);
        } finally {
          h.destroy();
        }
        return;
      }
      // The highest bucket is recorded first, as its highest equivalent value: that is the maximum a decoded
      // histogram reports, and it resizes the target once, as `add` would. The others then fit, and go straight
      // into their buckets, with the minimum (the lowest value of the lowest non-zero bucket) set once.
      const top = first.highestEquivalentValue(first.valueFromIndex(indexes[n - 1] as number));
      const lowestIndex = indexes[0] === 0 ? indexes[1] : indexes[0];
      const min = lowestIndex === undefined ? 0 : first.valueFromIndex(lowestIndex);
      for (const t of targets) {
        const x = t as unknown as Internals;
        t.recordValueWithCount(top, counts[n - 1] as number);
        const rest = total - (counts[n - 1] as number);
        const array = x._counts;
        // No bucket can pass what its array holds if the whole count cannot: then the buckets are added straight
        // into the library's typed array (a Uint32Array for interval histograms, a Float64Array for totals), as
        // addToCountAtIndex would without its call and check on each (the controller's hottest loop), one loop
        // per array type so each sees one kind. Otherwise, bucket by bucket through the library's method.
        const after = t.totalCount + rest;
        if (array instanceof Uint32Array && after <= 0xffff_ffff) addInto32(array, indexes, counts, n - 1);
        else if (array instanceof Float64Array && after <= Number.MAX_SAFE_INTEGER) {
          addInto64(array, indexes, counts, n - 1);
        } else {
          for (let k = 0; k < n - 1; k++) x.addToCountAtIndex(indexes[k] as number, counts[k] as number);
        }
        x.addToTotalCount(rest);
        if (min > 0) x.updateMinAndMax(min);
      }
    },
  };
}

/** A V2 header's layout, checked: significant digits, lowest value, the buckets of the layout, the payload's end. */
function readLayout(raw: Uint8Array): {
  digits: number;
  lowest: number;
  highest: number;
  buckets: number;
  end: number;
} {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if ((view.getInt32(0) & ~0xf0) !== V2_COOKIE_BASE) throw new Error('not a V2 HdrHistogram');
  const digits = view.getInt32(12);
  const lowest = Number(view.getBigInt64(16));
  const highest = Number(view.getBigInt64(24));
  // No layout finer than the one recorded, so the bucket count below stays within MAX_INFLATED_HISTOGRAM_BYTES.
  if (!Number.isInteger(digits) || digits < 0 || digits > SIGNIFICANT_DIGITS) {
    throw new Error(`histogram of ${digits} significant digits; at most ${SIGNIFICANT_DIGITS}`);
  }
  // The library builds no histogram whose highest value is below twice its lowest: one of another layout than its
  // target's is decoded by it, which must not throw after the checks (a report would be merged in part).
  if (!Number.isSafeInteger(lowest) || lowest < 1 || !Number.isSafeInteger(highest) || highest < 2 * lowest) {
    throw new Error(`histogram of values [${lowest}, ${highest}] is not a layout`);
  }
  const payload = view.getInt32(4);
  const end = V2_HEADER_BYTES + payload;
  if (payload < 0 || end > raw.byteLength) throw new Error('histogram payload is truncated');
  return { digits, lowest, highest, buckets: bucketsOfLayout(digits, lowest), end };
}

/** A histogram added into its target before its checks were done: committed once they pass, or taken back. */
export interface AddedInPlace {
  /** Number of values it holds. */
  readonly count: number;
  /** The checks passed: the target's total, minimum and maximum take it in too. */
  commit(): void;
  /** It is refused: its buckets are taken out of the target again, which is then as it was. */
  undo(): void;
}

/**
 * Adds the wire form of one histogram straight into `target`'s buckets in one pass, checking it as it goes, rather
 * than reading it into an arena first and adding from there (the path a merged interval waits on, 2,000 times a
 * second). Only the buckets change: `commit()` completes the add once the caller's own checks pass, `undo()`
 * takes it back. Throws, having changed nothing, on bytes that readEncodedHistogram refuses. Returns undefined,
 * having changed nothing, where this way does not apply: compressed bytes, another layout than the target's, a
 * target without 64-bit buckets, or a bucket past its buckets (it has not grown that far yet); then read it with
 * readEncodedHistogram. `grow` (a total that resizes as it adds) first grows the target to the values the header
 * says the histogram could hold.
 */
export function addInPlace(bytes: Uint8Array, target: Histogram, grow = false): AddedInPlace | undefined {
  if (bytes.byteLength < 4 || new DataView(bytes.buffer, bytes.byteOffset).getInt32(0) !== V2_COOKIE) return undefined;
  const x = target as unknown as Internals & Histogram;
  const raw = plainEncoded(bytes);
  const { digits, lowest, highest, buckets, end } = readLayout(raw);
  const fits =
    x._counts instanceof Float64Array &&
    digits === target.numberOfSignificantValueDigits &&
    lowest === x.lowestDiscernibleValue &&
    // At most 2^32 - 1 values go in (a count of each bucket is 32-bit): sums stay exact integers.
    target.totalCount + 2 ** 32 <= Number.MAX_SAFE_INTEGER;
  if (!fits) return undefined;
  if (grow && highest > x.highestTrackableValue) {
    x.resize(highest);
    x.highestTrackableValue = x.highestEquivalentValue(x.valueFromIndex(x.countsArrayLength - 1));
  }
  const array = x._counts as Float64Array;
  // Runs clamped to the layout, as walk clamps them: the same bytes are refused in the same words.
  const count = walkAdd(raw, end, array, buckets);
  const fault = walkFault();
  const top = walkedTop();
  const undo = (): void => {
    walkSubtract(raw, fault === undefined ? end : walkStop(), array, buckets);
  };
  if (fault !== undefined) {
    undo();
    throw new Error(fault);
  }
  // An index past the layout's last bucket is a value beyond 2^53: a target would resize without bound.
  if (top >= buckets) {
    undo();
    throw new Error(`histogram bucket ${top} is outside its layout of ${buckets}`);
  }
  if (top >= array.length) {
    undo();
    return undefined;
  }
  return {
    count,
    undo,
    commit: () => countWalkedAdd(target, count, top, raw, end),
  };
}

/**
 * Completes a walkAdd of `raw` into `target`'s buckets (`count` values, the highest in bucket `top`): its total,
 * and its minimum (the lowest non-empty bucket's lowest value, value 0 aside) and maximum (the highest one's highest
 * equivalent value), as the library's decoding reports them.
 */
function countWalkedAdd(target: Histogram, count: number, top: number, raw: Uint8Array, end: number): void {
  if (top < 0) return;
  const x = target as unknown as Internals;
  x.addToTotalCount(count);
  x.updateMinAndMax(x.highestEquivalentValue(x.valueFromIndex(top)));
  const low = lowestCounted(raw, end);
  if (low > 0) x.updateMinAndMax(x.valueFromIndex(low));
}

function addInto32(array: Uint32Array, indexes: Int32Array, counts: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const i = indexes[k] as number;
    array[i] = (array[i] as number) + (counts[k] as number);
  }
}

function addInto64(array: Float64Array, indexes: Int32Array, counts: Float64Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const i = indexes[k] as number;
    array[i] = (array[i] as number) + (counts[k] as number);
  }
}

/**
 * Reused arrays that walks write their non-empty buckets into, one read after another: bucket indexes (under 2^31
 * in any accepted layout) and counts (32-bit). A merger reads every histogram of a report into one, adds them,
 * and resets it for the next report: no arrays allocated per histogram (a controller reads 2,000 a second).
 */
export class BucketArena {
  indexes = new Int32Array(4096);
  counts = new Float64Array(4096);
  /** Entries in use; reads append after them. */
  used = 0;

  /** Forgets every read: what was read from it before must not be used any more. */
  reset(): void {
    this.used = 0;
  }

  /** Makes room for `more` entries after the used ones, keeping those. */
  reserve(more: number): void {
    if (this.used + more <= this.indexes.length) return;
    const length = Math.max(this.used + more, 2 * this.indexes.length);
    const indexes = new Int32Array(length);
    const counts = new Float64Array(length);
    indexes.set(this.indexes.subarray(0, this.used));
    counts.set(this.counts.subarray(0, this.used));
    this.indexes = indexes;
    this.counts = counts;
  }
}

/** The arena of reads without one of their own: reset by each, which copies its buckets out. */
const own = new BucketArena();

/**
 * Buckets of a layout that reaches the largest safe integer (the library's countsArrayLength for it): no
 * encoding of that layout has an index at or past this.
 */
function bucketsOfLayout(digits: number, lowest: number): number {
  const subBucketCountMagnitude = Math.ceil(Math.log2(2 * 10 ** digits));
  const subBucketHalfCount = 2 ** Math.max(0, subBucketCountMagnitude - 1);
  let smallestUntrackable = 2 ** (subBucketCountMagnitude + Math.floor(Math.log2(lowest)));
  let bucketCount = 1;
  while (smallestUntrackable <= Number.MAX_SAFE_INTEGER) {
    smallestUntrackable *= 2;
    bucketCount++;
  }
  return (bucketCount + 1) * subBucketHalfCount;
}

/**
 * The most an encoded histogram may inflate to: the header and one LEB128 word (at most 9 bytes) for each bucket
 * of the finest layout accepted (SIGNIFICANT_DIGITS, values from 1 to 2^53), about 400 KiB. Inflating stops at
 * this bound, so a small frame that would inflate to a gigabyte costs no more than a real histogram.
 */
export const MAX_INFLATED_HISTOGRAM_BYTES = V2_HEADER_BYTES + 9 * bucketsOfLayout(SIGNIFICANT_DIGITS, 1);

/** The plain V2 bytes of either form: as they are (the wire's, from protocol version 6 on), or inflated. */
function plainEncoded(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength < 8) throw new Error('not an HdrHistogram: too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const cookie = view.getInt32(0) & ~0xf0;
  if (cookie === V2_COOKIE_BASE) {
    if (bytes.byteLength > MAX_INFLATED_HISTOGRAM_BYTES) {
      throw new Error(`histogram of ${bytes.byteLength} bytes exceeds ${MAX_INFLATED_HISTOGRAM_BYTES}`);
    }
    if (bytes.byteLength < V2_HEADER_BYTES) throw new Error('not an HdrHistogram: header is truncated');
    // Exactly a header and its payload: nothing trails it unread.
    const payload = view.getInt32(4);
    if (payload !== bytes.byteLength - V2_HEADER_BYTES) {
      throw new Error(`histogram payload of ${payload} bytes in ${bytes.byteLength - V2_HEADER_BYTES}`);
    }
    return bytes;
  }
  if (cookie !== V2_COMPRESSED_COOKIE_BASE) throw new Error('not a V2 HdrHistogram');
  const length = view.getInt32(4);
  if (length < 0 || 8 + length > bytes.byteLength) throw new Error('compressed histogram is truncated');
  let raw: Uint8Array;
  try {
    raw = inflateSync(bytes.subarray(8, 8 + length), { maxOutputLength: MAX_INFLATED_HISTOGRAM_BYTES });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new Error(`histogram inflates beyond ${MAX_INFLATED_HISTOGRAM_BYTES} bytes`);
    }
    throw err;
  }
  if (raw.byteLength < V2_HEADER_BYTES) throw new Error('not an HdrHistogram: header is truncated');
  return raw;
}
