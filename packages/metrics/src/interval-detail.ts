import { encodeHistogramBase64 } from './histogram.js';
import type { MergedInterval } from './merged-interval.js';
import { type ClassTally, tallyBuckets } from './status-classes.js';

/**
 * The latencies of one status class in an interval (`2xx`): responses in each bucket of LATENCY_BOUNDS_US (the
 * last beyond it), and their sum in seconds.
 */
export interface ClassDetail {
  statusClass: string;
  counts: number[];
  sumSeconds: number;
}

/** One named request's part of an IntervalDetail. */
export interface EndpointDetail {
  name: string;
  /** HdrHistogram compressed base64 of its latencies in this interval (microseconds). */
  histogram: string;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  /** Its latencies by status class, lowest first. */
  classes: ClassDetail[];
  /** Flows: the step's checks passed and failed in this interval, summed over its checks. */
  checksPassed: number;
  checksFailed: number;
}

/**
 * What a live view needs of a merged interval beyond its IntervalSummary: the counts by status and by error kind,
 * and each named request's histogram and counts. Built once per interval, only for a listener that asked for it.
 */
export interface IntervalDetail {
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  /** Every response's latency by status class, lowest first. */
  classes: ClassDetail[];
  /** Open model: sends due in this interval that never went out (every connection busy). */
  dropped: number;
  /** Scenario and flow runs: per named request or step, in the order first reported; empty otherwise. */
  endpoints: EndpointDetail[];
}

/** The detail of a merged interval, copied out of it (the merger's histograms are released after its callback). */
export function intervalDetail(m: MergedInterval): IntervalDetail {
  return {
    byStatus: { ...m.byStatus },
    byError: { ...m.byError },
    classes: classDetails(m.classes),
    dropped: m.dropped,
    endpoints: [...m.endpoints].map(([name, e]) => {
      let checksPassed = 0;
      let checksFailed = 0;
      for (const c of e.checks.values()) {
        checksPassed += c.passed;
        checksFailed += c.failed;
      }
      const histogram = encodeHistogramBase64(e.histogram);
      const classes = classDetails(e.classes);
      return {
        name,
        histogram,
        byStatus: { ...e.byStatus },
        byError: { ...e.byError },
        classes,
        checksPassed,
        checksFailed,
      };
    }),
  };
}

/** A tally's classes as a live view reads them. */
function classDetails(tally: ClassTally): ClassDetail[] {
  return tallyBuckets(tally).map((c) => ({
    statusClass: `${c.statusClass}xx`,
    counts: c.counts,
    sumSeconds: c.sumUs / 1e6,
  }));
}
