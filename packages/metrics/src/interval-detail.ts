import { encodeHistogramBase64, type Histogram } from './histogram.js';
import type { MergedInterval } from './merged-interval.js';
import type { ClassSplit } from './status-classes.js';

/** The latencies of one status class in an interval: `2xx`, HdrHistogram compressed base64 (microseconds). */
export interface ClassDetail {
  statusClass: string;
  histogram: string;
}

/** One named request's part of an IntervalDetail. */
export interface EndpointDetail {
  name: string;
  /** HdrHistogram compressed base64 of its latencies in this interval (microseconds). */
  histogram: string;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  /** Its latencies by status class, lowest first (one entry, `histogram` itself, when all are of one class). */
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
    classes: classDetails(m.classes, m.histogram),
    dropped: m.dropped,
    endpoints: [...m.endpoints].map(([name, e]) => {
      let checksPassed = 0;
      let checksFailed = 0;
      for (const c of e.checks.values()) {
        checksPassed += c.passed;
        checksFailed += c.failed;
      }
      const histogram = encodeHistogramBase64(e.histogram);
      const classes = classDetails(e.classes, e.histogram, histogram);
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

/** A split's classes, encoded; `allEncoded` is `all` encoded already, if it was (the one class's histogram). */
function classDetails(split: ClassSplit, all: Histogram, allEncoded?: string): ClassDetail[] {
  return split.entries(all).map(([c, h]) => ({
    statusClass: `${c}xx`,
    histogram: h === all && allEncoded !== undefined ? allEncoded : encodeHistogramBase64(h),
  }));
}

/** The few JsHistogram internals a walk over the buckets needs; public in the JavaScript, not in the types. */
interface Walkable {
  readonly countsArrayLength: number;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
}

/**
 * Cumulative counts of a histogram's values at or below each bound (same unit as the values, bounds ascending),
 * as a Prometheus histogram's `le` buckets hold them. A value counts as its bucket's highest equivalent value,
 * which is how HdrHistogram reports percentiles: so the bucket a percentile of the result falls in is the bucket
 * these counts put that percentile in. One pass over the buckets, whatever the number of values.
 */
export function cumulativeCounts(h: Histogram, bounds: readonly number[]): number[] {
  const w = h as unknown as Walkable;
  const out = new Array<number>(bounds.length).fill(0);
  let b = 0;
  let below = 0;
  for (let i = 0; i < w.countsArrayLength && b < bounds.length; i++) {
    const n = w.getCountAtIndex(i);
    if (n === 0) continue;
    const value = w.highestEquivalentValue(w.valueFromIndex(i));
    while (b < bounds.length && value > (bounds[b] as number)) out[b++] = below;
    below += n;
  }
  while (b < bounds.length) out[b++] = below;
  return out;
}
