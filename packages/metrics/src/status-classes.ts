// Latencies by status class (2xx, 5xx...), for the Prometheus histogram's status_class label. What crosses the
// wire is not a histogram per class but its counts in the Prometheus buckets (LATENCY_BOUNDS_US) and their sum:
// a controller adds twenty numbers per class and report instead of reading and adding histograms, and the counts
// are exact at those bounds. On the agent, nearly every interval's responses are of one class, so its latency
// histogram is that class's: a second histogram is kept only once a second class shows up.
import { createIntervalHistogram, type Histogram, meanAndStdDeviation } from './histogram.js';
import type { Internals } from './histogram-internals.js';

/**
 * The latency buckets of the Prometheus histogram, in seconds, for load tests: 1-2.5-5 steps from 100 µs (a
 * loopback hit) to a minute (a timeout). Counted from HdrHistograms, so exact at these bounds.
 */
export const LATENCY_BUCKETS_S = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
] as const;
/** The same bounds in microseconds, the unit of the histograms. */
export const LATENCY_BOUNDS_US: readonly number[] = LATENCY_BUCKETS_S.map((s) => Math.round(s * 1e6));

/**
 * One status class's latencies in an interval: `counts[i]` responses in (bound i-1, bound i], the last beyond
 * the last bound (so LATENCY_BOUNDS_US.length + 1 counts, adding up to the class's responses), and their sum.
 */
export interface ClassBuckets {
  /** 2 for 2xx: a status's first digit, 1 to 9. */
  statusClass: number;
  counts: number[];
  sumUs: number;
}

/** Classes 0 to 9: a status is three digits, anything else counts in class 0. */
export const STATUS_CLASSES = 10;

/** The class of a status as a byStatus key holds it ("503" is 5). */
export function classOfStatus(status: string | number): number {
  const n = Number(status);
  return n >= 100 && n < 1000 ? Math.floor(n / 100) : 0;
}

/**
 * Cumulative counts of a histogram's values at or below each bound (same unit as the values, bounds ascending),
 * as a Prometheus histogram's `le` buckets hold them. A value counts as its bucket's highest equivalent value,
 * which is how HdrHistogram reports percentiles: so the bucket a percentile of the result falls in is the bucket
 * these counts put that percentile in. One pass over the buckets, whatever the number of values.
 */
export function cumulativeCounts(h: Histogram, bounds: readonly number[]): number[] {
  const w = h as unknown as Internals;
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

/** A histogram's counts in the buckets of LATENCY_BOUNDS_US (one pass), and the sum of its values. */
export function bucketsOf(h: Histogram): { counts: number[]; sumUs: number } {
  const cumulative = cumulativeCounts(h, LATENCY_BOUNDS_US);
  const counts = cumulative.map((c, i) => c - (i > 0 ? (cumulative[i - 1] as number) : 0));
  counts.push(h.totalCount - (cumulative[cumulative.length - 1] ?? 0));
  return { counts, sumUs: meanAndStdDeviation(h).mean * h.totalCount };
}

/** No value seen yet. */
const NONE = -1;
/** Values of two classes or more seen: each class has its histogram apart. */
const MIXED = -2;

/**
 * On a recorder: splits one latency histogram (`all`, the caller's) by status class. While every value is of one
 * class, that class is `only` and `all` is its histogram: nothing else is recorded. When a second class comes,
 * the first's histogram is copied out of `all` and from then on each class has its own, beside `all`.
 *
 * Hot path: `if (cls !== split.only) split.apart(cls, all)?.recordValue(v)` before `all.recordValue(v)`.
 */
export class ClassSplit {
  only = NONE;
  private readonly histograms: Array<Histogram | undefined> = [];
  /** Bit c set: class c has values in this interval (its histogram is in use). */
  private used = 0;

  /**
   * Values of class `cls`, which is not `only`, are about to go into `all`: returns the histogram to record
   * them into as well, or undefined if `cls` is the first class seen (then `all` is its histogram).
   */
  apart(cls: number, all: Histogram): Histogram | undefined {
    if (this.only === NONE) {
      this.only = cls;
      return undefined;
    }
    // The second class: the first one's values so far are all of `all`'s.
    if (this.only !== MIXED) this.of(this.only).add(all);
    this.only = MIXED;
    return this.of(cls);
  }

  /** Each class with values and its histogram, lowest class first (`all` itself when there is only one). */
  entries(all: Histogram): Array<[number, Histogram]> {
    if (this.only === NONE) return [];
    if (this.only !== MIXED) return [[this.only, all]];
    const out: Array<[number, Histogram]> = [];
    for (let c = 0; c < STATUS_CLASSES; c++) {
      const h = this.histograms[c];
      if (h && this.used & (1 << c)) out.push([c, h]);
    }
    return out;
  }

  /** A new interval: no class seen; histograms kept for reuse. */
  reset(): void {
    for (let c = 0; c < STATUS_CLASSES; c++) if (this.used & (1 << c)) this.histograms[c]?.reset();
    this.used = 0;
    this.only = NONE;
  }

  /** Class `cls`'s own histogram, in use from now on in this interval. */
  private of(cls: number): Histogram {
    let h = this.histograms[cls];
    if (!h) {
      h = createIntervalHistogram();
      this.histograms[cls] = h;
    }
    this.used |= 1 << cls;
    return h;
  }
}

/** Merged class buckets, by class: counts as ClassBuckets has them. */
export type ClassTally = Map<number, { counts: number[]; sumUs: number }>;

/** Adds a report's class buckets into a tally (checked first: see classMismatch). */
export function addClassBuckets(into: ClassTally, classes: readonly ClassBuckets[] | undefined): void {
  for (const c of classes ?? []) {
    const mine = into.get(c.statusClass);
    if (!mine) {
      into.set(c.statusClass, { counts: [...c.counts], sumUs: c.sumUs });
      continue;
    }
    for (let i = 0; i < c.counts.length; i++) mine.counts[i] = (mine.counts[i] as number) + (c.counts[i] as number);
    mine.sumUs += c.sumUs;
  }
}

/** A tally as the wire has it, lowest class first. */
export function tallyBuckets(tally: ClassTally): ClassBuckets[] {
  return [...tally]
    .sort(([a], [b]) => a - b)
    .map(([statusClass, t]) => ({ statusClass, counts: [...t.counts], sumUs: t.sumUs }));
}

/**
 * A count map of statuses summed by class (index 2 holds the 2xx responses), in one pass; undefined if a count is
 * not a finite number of at least 0. Their sum is the responses.
 */
export function responsesByClass(byStatus: Record<string, number>): number[] | undefined {
  const responses = new Array<number>(STATUS_CLASSES).fill(0);
  for (const k in byStatus) {
    const n = byStatus[k];
    if (typeof n !== 'number' || !(n >= 0 && n < Number.POSITIVE_INFINITY)) return undefined;
    const c = classOfStatus(k);
    responses[c] = (responses[c] as number) + n;
  }
  return responses;
}

/**
 * A report's class buckets agree with its statuses (`responses`, by class: see responsesByClass): one entry per
 * class it has responses in, none twice, each with one count per bucket (non-negative integers) adding up to that
 * class's responses, and a sum that is a finite non-negative number. Returns why not, or undefined.
 */
export function classMismatch(
  what: string,
  responses: readonly number[],
  classes: readonly ClassBuckets[] | undefined,
): string | undefined {
  let seen = 0;
  for (const { statusClass, counts, sumUs } of classes ?? []) {
    const bit = 1 << statusClass;
    if (!Number.isInteger(statusClass) || statusClass < 0 || statusClass >= STATUS_CLASSES || seen & bit) {
      return `${what} has a bad or repeated status class ${statusClass}`;
    }
    seen |= bit;
    if (!Array.isArray(counts) || counts.length !== LATENCY_BOUNDS_US.length + 1) {
      return `${what}'s ${statusClass}xx latencies have ${counts?.length} buckets, not ${LATENCY_BOUNDS_US.length + 1}`;
    }
    let n = 0;
    for (const count of counts) {
      if (!Number.isSafeInteger(count) || count < 0)
        return `${what}'s ${statusClass}xx bucket count ${count} is not a count`;
      n += count;
    }
    if (n !== responses[statusClass]) {
      return `${what}'s ${statusClass}xx buckets hold ${n} responses, its statuses ${responses[statusClass]}`;
    }
    if (!Number.isFinite(sumUs) || sumUs < 0) return `${what}'s ${statusClass}xx latency sum ${sumUs} is not a sum`;
  }
  for (let c = 0; c < STATUS_CLASSES; c++) {
    if ((responses[c] as number) > 0 && !(seen & (1 << c))) return `${what} has ${c}xx statuses and no ${c}xx buckets`;
  }
  return undefined;
}
