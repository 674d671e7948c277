// Adding into an agent's total the histograms the merger accepted: a controller's second pass over every byte
// every agent sends, off the path a merged interval waits on (see DeferredAdds).
import { countWalkedAdd, readEncodedHistogram } from './encoded-histogram.js';
import type { Histogram, Internals } from './histogram.js';
import { V2_COOKIE, V2_HEADER_BYTES } from './v2-encoding.js';
import { walkAdd, walkedTop, walkSubtract } from './v2-walk.js';

/**
 * Adds `bytes` into `target`, the same as `readEncodedHistogram(bytes).addTo([target])`, for bytes that
 * readEncodedHistogram accepted once already (the same bytes, copied: their checks are not made again). Plain V2
 * of the target's layout goes straight into a 64-bit target's buckets in one pass (walkAdd), with no buckets
 * written anywhere first: 2,000 agents' totals a second. Anything else takes readEncodedHistogram's way.
 */
export function addAccepted(bytes: Uint8Array, target: Histogram): void {
  const x = target as unknown as Internals & Histogram;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fits =
    bytes.byteLength >= V2_HEADER_BYTES &&
    view.getInt32(0) === V2_COOKIE &&
    view.getInt32(12) === target.numberOfSignificantValueDigits &&
    Number(view.getBigInt64(16)) === x.lowestDiscernibleValue &&
    x._counts instanceof Float64Array &&
    // An accepted interval holds fewer than 2^32 values (the merger's check): sums stay exact integers.
    target.totalCount + 2 ** 32 <= Number.MAX_SAFE_INTEGER;
  if (!fits) {
    readEncodedHistogram(bytes).addTo([target]);
    return;
  }
  // The buckets first cover what the agent's histogram could hold (its header says; a safe integer, checked).
  const highest = Number(view.getBigInt64(24));
  if (highest > x.highestTrackableValue) {
    x.resize(highest);
    x.highestTrackableValue = x.highestEquivalentValue(x.valueFromIndex(x.countsArrayLength - 1));
  }
  const array = x._counts as Float64Array;
  const end = V2_HEADER_BYTES + view.getInt32(4);
  const sum = walkAdd(bytes, end, array);
  const top = walkedTop();
  if (top >= array.length) {
    // A header that understates its values (no encoder writes one): what went in is taken out, and the buckets
    // go in by the way that resizes as it adds.
    walkSubtract(bytes, end, array);
    readEncodedHistogram(bytes).addTo([target]);
    return;
  }
  countWalkedAdd(target, sum, top, bytes, end);
}
