// The walk of a V2 HdrHistogram's run-length encoded counts: the one loop a controller runs over every byte that
// every agent sends, 2,000 histograms a second. Kept apart so that its shape (and its cost) stays in view.
import { V2_HEADER_BYTES } from './v2-encoding.js';

/** Interval histograms count in 32 bits; a larger bucket count from the wire would wrap in a target. */
const MAX_BUCKET_COUNT = 0xffff_ffff;

let total = 0;

/** The sum of the counts that the last `walk` found. */
export function walked(): number {
  return total;
}

let wordEnd = 0;

/**
 * The LEB128 word at `at` (up to 9 bytes, the 9th whole; a ZigZag value, see walk), its end in `wordEndAt()`.
 * Past the end of `raw` a byte reads as none: a word cut short ends there, and its walk's length check refuses it.
 */
export function readWord(raw: Uint8Array, at: number): number {
  let b = raw[at++] as number;
  let word = b & 0x7f;
  let scale = 128;
  for (let i = 1; i < 9 && (b & 0x80) !== 0; i++) {
    b = raw[at++] as number;
    word += (i === 8 ? b : b & 0x7f) * scale;
    scale *= 128;
    if (i === 8) break;
  }
  wordEnd = at;
  return word;
}

/** Where the word that `readWord` read last ends. */
export function wordEndAt(): number {
  return wordEnd;
}

/**
 * Walks the payload into the arrays from `from` on; returns how many non-empty buckets, the sum of their counts
 * in `walked()`. The arrays hold an entry per payload byte from `from` on (a word is at least a byte).
 *
 * Subtleness ahead: nearly every word is one byte below 2^7, a count (even) or a run of empty buckets (odd) in no
 * order a branch predictor can learn, so a branch on each cost 10-15 cycles a byte. Four such bytes at a time are
 * taken without a branch: each one's entry is written at `n` whatever it is, and `n` moves on only past a count
 * above zero (a run's entry is written over by the next); the index moves by 1, or by the run. A run's growth is
 * bounded there (64 a byte), so only the rare multi-byte words need the clamp that keeps the index an int32, and
 * one test at the end covers every index (they only go up, so the last is the largest). Nothing but those arrays is
 * touched before it returns.
 */
export function walk(
  raw: Uint8Array,
  end: number,
  buckets: number,
  indexesOut: Int32Array,
  countsOut: Float64Array,
  from: number,
): number {
  let n = from;
  let sum = 0;
  let index = 0;
  let at = V2_HEADER_BYTES;
  const end4 = end - 3;
  while (at < end) {
    if (at < end4) {
      const w0 = raw[at] as number;
      const w1 = raw[at + 1] as number;
      const w2 = raw[at + 2] as number;
      const w3 = raw[at + 3] as number;
      if ((w0 | w1 | w2 | w3) < 0x80) {
        at += 4;
        // Per byte w, r = w & 1: a count of w >> 1 where r is 0 (n moves past it unless it is 0), a run of
        // (w + 1) >> 1 empty buckets where r is 1, which is 1 + ((w - 1) >> 1).
        let r = w0 & 1;
        indexesOut[n] = index;
        countsOut[n] = w0 >>> 1;
        n += (r ^ 1) & ((w0 + 0x7f) >>> 7);
        index += 1 + (((w0 - 1) >>> 1) & -r);
        sum += (w0 >>> 1) & (r - 1);
        r = w1 & 1;
        indexesOut[n] = index;
        countsOut[n] = w1 >>> 1;
        n += (r ^ 1) & ((w1 + 0x7f) >>> 7);
        index += 1 + (((w1 - 1) >>> 1) & -r);
        sum += (w1 >>> 1) & (r - 1);
        r = w2 & 1;
        indexesOut[n] = index;
        countsOut[n] = w2 >>> 1;
        n += (r ^ 1) & ((w2 + 0x7f) >>> 7);
        index += 1 + (((w2 - 1) >>> 1) & -r);
        sum += (w2 >>> 1) & (r - 1);
        r = w3 & 1;
        indexesOut[n] = index;
        countsOut[n] = w3 >>> 1;
        n += (r ^ 1) & ((w3 + 0x7f) >>> 7);
        index += 1 + (((w3 - 1) >>> 1) & -r);
        sum += (w3 >>> 1) & (r - 1);
        continue;
      }
    }
    const word = readWord(raw, at);
    at = wordEnd;
    // ZigZag: an odd word skips (word + 1) / 2 empty buckets, an even one is the count of the next bucket. Beyond
    // integer arithmetic, a run is clamped to the layout (a count past it is refused below), and a count must fit
    // 32 bits.
    if (word % 2 === 1) {
      index = Math.min(buckets, index + (word + 1) / 2);
      continue;
    }
    if (word / 2 > MAX_BUCKET_COUNT) throw new Error(`histogram bucket count ${word / 2} exceeds 32 bits`);
    if (word > 0) {
      indexesOut[n] = index;
      countsOut[n] = word / 2;
      n++;
      sum += word / 2;
    }
    index++;
  }
  if (at !== end) throw new Error('histogram payload is truncated');
  // An index past the layout's last bucket is a value beyond 2^53: a target would resize without bound.
  const last = n > from ? (indexesOut[n - 1] as number) : 0;
  if (last >= buckets) throw new Error(`histogram bucket ${last} is outside its layout of ${buckets}`);
  total = sum;
  return n - from;
}

/** The index of the highest non-empty bucket that the last `walkAdd` added into; -1 when it found none. */
let highestIndex = -1;
/** Why the last `walkAdd` stopped short, and where its adds end (see walkAdd). */
let fault: string | undefined;
let stoppedAt = 0;

/** The highest non-empty bucket's index that the last `walkAdd` found, or -1. */
export function walkedTop(): number {
  return highestIndex;
}

/** Why the last `walkAdd` found its bytes no histogram (undefined if they are one): see walkAdd. */
export function walkFault(): string | undefined {
  return fault;
}

/** Where the adds of the last `walkAdd` end: walkSubtract(raw, walkStop(), array) takes back what it added. */
export function walkStop(): number {
  return stoppedAt;
}

/** Runs are clamped here by default, far above any layout (about 46,000 buckets), so an index stays an int32. */
const MAX_INDEX = 2 ** 30;

/** What a one-byte word (below 0x80) adds to its bucket: its count, or 0 for a run. */
const COUNT_OF = new Int32Array(0x80);
/** How far a one-byte word moves the index: 1 past a count, the run's length past a run. */
const STEP_OF = new Int32Array(0x80);
for (let w = 0; w < 0x80; w++) {
  COUNT_OF[w] = (w & 1) === 0 ? w >>> 1 : 0;
  STEP_OF[w] = (w & 1) === 0 ? 1 : (w + 1) >>> 1;
}

/**
 * Adds the counts of a payload straight into `array` (64-bit buckets), without writing the buckets anywhere
 * first; returns the sum of the counts, and the highest non-empty bucket in `walkedTop()`. A run takes the index
 * no further than `clamp` (walk clamps at the layout's buckets).
 *
 * Bytes that walk would refuse are found too: a count beyond 32 bits (the walk stops before it) or a payload cut
 * short; then `walkFault()` says why and `walkStop()` where the adds made so far end, for the caller to take them
 * back. The bucket indexes are not checked against a layout: compare `walkedTop()` with it, and with the array's
 * length (a bucket past the array is not written: a typed array ignores it). A run's entry adds 0 to the bucket
 * it starts at.
 *
 * Subtleness ahead: the controller's hottest loop (2,000 reports a second, two walks each), so it is walk's
 * branch-free way with less per byte. Four one-byte words at a time add their counts through two tables (a run
 * adds 0 to the bucket it starts at), and the highest count is not followed byte by byte: a block is only marked
 * when it holds one (an even byte above 0, found for all four at once), and the last marked block is walked
 * again at the end. 2.7 ns a byte became 2.1 (walkAdd of 4,500 bytes, Node 20).
 */
export function walkAdd(raw: Uint8Array, end: number, array: Float64Array, clamp = MAX_INDEX): number {
  let sum = 0;
  let index = 0;
  let top = -1;
  let at = V2_HEADER_BYTES;
  // The last block of four one-byte words that holds a count (-1: none since `top`), and its first index.
  let blockAt = -1;
  let blockIndex = 0;
  const end4 = end - 3;
  fault = undefined;
  while (at < end) {
    if (at < end4) {
      const w0 = raw[at] as number;
      const w1 = raw[at + 1] as number;
      const w2 = raw[at + 2] as number;
      const w3 = raw[at + 3] as number;
      if ((w0 | w1 | w2 | w3) < 0x80) {
        // Per byte, below 0x80: + 0x7f carries into bit 7 unless it is 0 (no carry crosses bytes), and bit 0 of
        // the complement is set where it is even.
        const v = w0 | (w1 << 8) | (w2 << 16) | (w3 << 24);
        if ((((v + 0x7f7f7f7f) >>> 7) & ~v & 0x01010101) !== 0) {
          blockAt = at;
          blockIndex = index;
        }
        at += 4;
        let c = COUNT_OF[w0] as number;
        array[index] = (array[index] as number) + c;
        sum += c;
        index += STEP_OF[w0] as number;
        c = COUNT_OF[w1] as number;
        array[index] = (array[index] as number) + c;
        sum += c;
        index += STEP_OF[w1] as number;
        c = COUNT_OF[w2] as number;
        array[index] = (array[index] as number) + c;
        sum += c;
        index += STEP_OF[w2] as number;
        c = COUNT_OF[w3] as number;
        array[index] = (array[index] as number) + c;
        sum += c;
        index += STEP_OF[w3] as number;
        continue;
      }
    }
    const word = readWord(raw, at);
    if (word % 2 === 1) {
      at = wordEnd;
      index = Math.min(clamp, index + (word + 1) / 2);
      continue;
    }
    if (word / 2 > MAX_BUCKET_COUNT) {
      fault = `histogram bucket count ${word / 2} exceeds 32 bits`;
      break;
    }
    at = wordEnd;
    if (word > 0) {
      array[index] = (array[index] as number) + word / 2;
      sum += word / 2;
      top = index;
      blockAt = -1;
    }
    index++;
  }
  // The highest count is in the last marked block, if one came after the last longer word with a count.
  for (let k = blockAt; k >= 0 && k < blockAt + 4; k++) {
    const w = raw[k] as number;
    if ((w & 1) === 0 && w > 0) top = blockIndex;
    blockIndex += STEP_OF[w] as number;
  }
  if (fault === undefined && at !== end) fault = 'histogram payload is truncated';
  stoppedAt = fault === undefined ? end : Math.min(at, end);
  highestIndex = top;
  return sum;
}

/**
 * Calls `visit(index, count)` for each non-empty bucket of the payload up to `end`, one word at a time (runs
 * clamped at `clamp`), until it returns true: for the rare walks and the short ones, without walkAdd's tricks.
 */
function eachCount(
  raw: Uint8Array,
  end: number,
  clamp: number,
  visit: (index: number, count: number) => boolean,
): void {
  let index = 0;
  let at = V2_HEADER_BYTES;
  while (at < end) {
    const word = readWord(raw, at);
    at = wordEnd;
    if (word % 2 === 1) {
      index = Math.min(clamp, index + (word + 1) / 2);
      continue;
    }
    if (word > 0 && visit(index, word / 2)) return;
    index++;
  }
}

/** The index of the lowest non-empty bucket above 0, or -1: a walk of the first few words. */
export function lowestCounted(raw: Uint8Array, end: number): number {
  let lowest = -1;
  eachCount(raw, end, MAX_INDEX, (index) => {
    if (index > 0) lowest = index;
    return index > 0;
  });
  return lowest;
}

/**
 * Takes out of `array` what walkAdd(raw, end, array, clamp) put in: the same words, each count subtracted. For a
 * report refused after its add, which is rare.
 */
export function walkSubtract(raw: Uint8Array, end: number, array: Float64Array, clamp = MAX_INDEX): void {
  eachCount(raw, end, clamp, (index, count) => {
    array[index] = (array[index] as number) - count;
    return false;
  });
}
