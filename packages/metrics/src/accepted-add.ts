// Adding into an agent's total the histograms the merger accepted: a controller's second pass over every byte
// every agent sends, off the path a merged interval waits on (see DeferredAdds).
import { addInPlace, readEncodedHistogram } from './encoded-histogram.js';
import type { Histogram } from './histogram.js';

/**
 * Adds `bytes` into `target`, the same as `readEncodedHistogram(bytes).addTo([target])`, for bytes that
 * readEncodedHistogram accepted once already (the same bytes, copied). Plain V2 of the target's layout goes
 * straight into a 64-bit target's buckets in one pass (addInPlace, the target grown first to what the header
 * says), with no buckets written anywhere first: 2,000 agents' totals a second. Anything else, and a header that
 * understates its values (no encoder writes one), takes readEncodedHistogram's way, which resizes as it adds.
 */
export function addAccepted(bytes: Uint8Array, target: Histogram): void {
  const added = addInPlace(bytes, target, true);
  if (added) added.commit();
  else readEncodedHistogram(bytes).addTo([target]);
}
