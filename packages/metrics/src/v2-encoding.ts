// HdrHistogram's V2 encoding without its deflate: the form histograms travel in between engine, agent and
// controller (protocol version 6). The controller reads one per agent per second; inflating them was a fifth of
// its cost per report, for frames that are a few KiB either way.
import type { Histogram } from 'hdr-histogram-js';
import type { Internals } from './histogram-internals.js';

/** The V2 cookie with its word-size nibble, as the library writes it (`0x1c849303 | 0x10`). */
export const V2_COOKIE = 0x1c849313;
/** Cookie, payload length, normalizing offset, digits (4 bytes each), lowest, highest, ratio (8 bytes each). */
export const V2_HEADER_BYTES = 40;
/** A ZigZag LEB128 word of V2 takes at most 9 bytes. */
const MAX_WORD_BYTES = 9;

let scratch = new Uint8Array(64 * 1024);

/**
 * The V2 encoding of `h`, byte for byte what the library deflates in its compressed encoding (a test holds it to
 * that): a 40-byte header, then each bucket up to the maximum's as a ZigZag LEB128 word, a count, or minus the
 * length of a run of empty buckets.
 */
export function encodeV2(h: Histogram): Uint8Array {
  const x = h as unknown as Internals & { countsArrayIndex(value: number): number };
  const limit = x.countsArrayIndex(h.maxValue) + 1;
  const need = V2_HEADER_BYTES + MAX_WORD_BYTES * limit;
  if (scratch.byteLength < need) scratch = new Uint8Array(Math.max(need, 2 * scratch.byteLength));
  const out = scratch;
  let at = V2_HEADER_BYTES;
  let index = 0;
  while (index < limit) {
    const count = x.getCountAtIndex(index++);
    if (count < 0) throw new RangeError(`cannot encode a negative count (${count}) at index ${index - 1}`);
    if (count > 0) {
      at = putWord(out, at, 2 * count);
      continue;
    }
    let zeros = 1;
    while (index < limit && x.getCountAtIndex(index) === 0) {
      zeros++;
      index++;
    }
    // One empty bucket is a count of 0; a run of them is -run (ZigZag: 2 * run - 1).
    at = putWord(out, at, zeros > 1 ? 2 * zeros - 1 : 0);
  }
  const view = new DataView(out.buffer, out.byteOffset, V2_HEADER_BYTES);
  view.setInt32(0, V2_COOKIE);
  view.setInt32(4, at - V2_HEADER_BYTES);
  // The library writes 1 where Java writes the normalizing index offset (0), and 1 as the ratio: as it does.
  view.setInt32(8, 1);
  view.setInt32(12, h.numberOfSignificantValueDigits);
  view.setBigInt64(16, BigInt(x.lowestDiscernibleValue));
  view.setBigInt64(24, BigInt(h.highestTrackableValue));
  view.setBigInt64(32, 1n);
  return out.slice(0, at);
}

/** Writes an already ZigZagged word as LEB128: 7 bits a byte, low first, and all 8 bits in a ninth. */
function putWord(out: Uint8Array, at: number, word: number): number {
  let rest = word;
  for (let i = 0; i < MAX_WORD_BYTES - 1 && rest >= 0x80; i++) {
    out[at++] = (rest % 0x80) | 0x80;
    rest = Math.floor(rest / 0x80);
  }
  out[at++] = rest % 0x100;
  return at;
}
