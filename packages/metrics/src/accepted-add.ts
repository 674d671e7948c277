// Adding into an agent's total the histograms the merger accepted: a controller's second pass over every byte
// every agent sends, off the path a merged interval waits on (see DeferredAdds).
import { readEncodedHistogram } from './encoded-histogram.js';
import { decodeHistogram, type Histogram, type Internals } from './histogram.js';
import { V2_COOKIE, V2_HEADER_BYTES } from './v2-encoding.js';
import { lowestCounted, walkAdd, walkedTop } from './v2-walk.js';

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
  const sum = walkAdd(bytes, V2_HEADER_BYTES + view.getInt32(4), array);
  const top = walkedTop();
  if (top >= array.length) {
    // A header that understates its values (no encoder writes one): what went in is taken out, and the buckets
    // go in by the way that resizes as it adds. Same layout, so the library's decoding has the same indexes.
    const decoded = decodeHistogram(bytes);
    try {
      const d = decoded as unknown as Internals;
      for (let i = 0; i < Math.min(array.length, d.countsArrayLength); i++) {
        array[i] = (array[i] as number) - d.getCountAtIndex(i);
      }
    } finally {
      decoded.destroy();
    }
    readEncodedHistogram(bytes).addTo([target]);
    return;
  }
  if (top < 0) return;
  x.addToTotalCount(sum);
  // The minimum is the lowest non-empty bucket's lowest value (value 0 aside), the maximum the highest one's
  // highest equivalent value, as the library's decoding reports them.
  x.updateMinAndMax(x.highestEquivalentValue(x.valueFromIndex(top)));
  const low = lowestCounted(bytes, V2_HEADER_BYTES + view.getInt32(4));
  if (low > 0) x.updateMinAndMax(x.valueFromIndex(low));
}
