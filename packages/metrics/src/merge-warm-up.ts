import { DeferredAdds } from './deferred-adds.js';
import { createIntervalHistogram, createTotalHistogram, encodeHistogram } from './histogram.js';
import type { IntervalData } from './interval.js';
import { IntervalMerger } from './interval-merger.js';
import { summarizeMergedInterval } from './merged-forms.js';
import { bucketsOf } from './status-classes.js';
import { summarize } from './summary.js';

/** Reports merged by the warm-up: enough for V8 to optimize the walk, the adds and the summaries. */
const WARM_UP_REPORTS = 100;

/**
 * Pays the merge path's compile costs before the first real interval: V8 runs a function interpreted until it
 * has run often, and a controller's first interval is all of its agents' reports at once, so cold code made
 * interval 0 of a 200-agent run take 100-200 ms to merge where the later ones took a tenth of that (issue 19).
 * Merges a few members' synthetic intervals (spread latencies, a long tail, as real ones) as RunAggregate does
 * (into the interval, then each member's total through DeferredAdds, and the run's, with summaries), and throws
 * it all away. Synchronous, some tens of ms of CPU.
 */
export function warmUpMerging(reports = WARM_UP_REPORTS): void {
  const members = 4;
  const histograms = Array.from({ length: members }, (_, m) => {
    const h = createIntervalHistogram();
    // Deterministic spread: a body of values and a tail three decades long, different per member.
    for (let i = 1; i <= 2000; i++) h.recordValue(100 + ((i * 7919 * (m + 1)) % 5000) + (i % 97 === 0 ? i * 50 : 0));
    return { histogram: encodeHistogram(h), classBuckets: [{ statusClass: 2, ...bucketsOf(h) }] };
  });
  const total = createTotalHistogram();
  const totals = histograms.map(() => createTotalHistogram());
  const adds = new DeferredAdds();
  const merger = new IntervalMerger<number>((m) => {
    total.add(m.histogram);
    summarizeMergedInterval(m);
  });
  for (let m = 0; m < members; m++) merger.join(m);
  for (let seq = 0; seq * members < reports; seq++) {
    for (let m = 0; m < members; m++) {
      const interval: IntervalData = {
        seq,
        startMs: seq * 1000,
        endMs: (seq + 1) * 1000,
        ...(histograms[(m + seq) % members] as (typeof histograms)[number]),
        byStatus: { 200: 2000 },
        byError: {},
        bytesSent: 0,
        bytesReceived: 0,
      };
      // As RunAggregate does: the member's total takes the report after the merge, off the interval's path.
      merger.add(m, interval, () =>
        adds.defer(totals[m] as ReturnType<typeof createTotalHistogram>, interval.histogram),
      );
    }
  }
  merger.flush();
  adds.settle();
  for (const h of [total, ...totals]) {
    summarize(h);
    h.destroy();
  }
}
