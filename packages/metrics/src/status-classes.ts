// Latencies by status class (2xx, 5xx...), for the Prometheus histogram's status_class label. Nearly every
// interval's responses are of one class, so its latency histogram is that class's: a second histogram is kept
// only once a second class shows up, and only then does one cross the wire.
import type { EncodedHistogram } from './encoded-histogram.js';
import { createIntervalHistogram, type Histogram } from './histogram.js';

/** The latency histogram of one status class: 2 for 2xx; 0 holds statuses outside 100-999. */
export interface ClassHistogram {
  statusClass: number;
  histogram: Uint8Array;
}

/** Classes 0 to 9: a status is three digits, anything else counts in class 0. */
export const STATUS_CLASSES = 10;

/** The class of a status as a byStatus key holds it ("503" is 5). */
export function classOfStatus(status: string | number): number {
  const n = Number(status);
  return n >= 100 && n < 1000 ? Math.floor(n / 100) : 0;
}

/** The classes a byStatus map has responses in, as a bit set (bit c for class c). */
export function classesOf(byStatus: Record<string, number>): number {
  let set = 0;
  for (const k of Object.keys(byStatus)) if ((byStatus[k] ?? 0) > 0) set |= 1 << classOfStatus(k);
  return set;
}

/** No value seen yet. */
const NONE = -1;
/** Values of two classes or more seen: each class has its histogram apart. */
const MIXED = -2;

/**
 * Splits one latency histogram (`all`, the caller's) by status class. While every value is of one class, that
 * class is `only` and `all` is its histogram: nothing else is recorded. When a second class comes, the first's
 * histogram is copied out of `all` and from then on each class has its own, beside `all`.
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
    this.mix(all);
    return this.of(cls);
  }

  /** From now on each class has its histogram apart (the one class so far takes a copy of `all`). */
  mix(all: Histogram): void {
    if (this.only === MIXED) return;
    if (this.only !== NONE) this.of(this.only).add(all);
    this.only = MIXED;
  }

  /** Class `cls`'s own histogram, once mixed. */
  of(cls: number): Histogram {
    let h = this.histograms[cls];
    if (!h) {
      h = createIntervalHistogram();
      this.histograms[cls] = h;
    }
    this.used |= 1 << cls;
    return h;
  }

  /** Each class with values and its histogram, lowest class first (`all` itself when there is only one). */
  entries(all: Histogram): Array<[number, Histogram]> {
    if (this.only === NONE) return [];
    if (this.only !== MIXED) return [[this.only, all]];
    return this.apartEntries();
  }

  /** Only when classes were mixed: what crosses the wire (nothing when `all` is the one class's histogram). */
  encoded(encode: (h: Histogram) => Uint8Array): ClassHistogram[] | undefined {
    if (this.only !== MIXED) return undefined;
    return this.apartEntries().map(([statusClass, h]) => ({ statusClass, histogram: encode(h) }));
  }

  private apartEntries(): Array<[number, Histogram]> {
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

  destroy(): void {
    for (const h of this.histograms) h?.destroy();
    this.histograms.length = 0;
    this.used = 0;
    this.only = NONE;
  }
}

/**
 * Adds one report's latencies into a merged interval's split, before `latency` is added into `all` (the merged
 * histogram). A report with `classes` (its own split) has each added apart; one without has every response in
 * the one class of its statuses, `latency` being that class's histogram: returned, it is to go into the
 * histogram this returns as well (undefined: into `all` alone).
 */
export function splitReport(
  split: ClassSplit,
  all: Histogram,
  byStatus: Record<string, number>,
  classes: ReadonlyArray<{ statusClass: number; histogram: EncodedHistogram }>,
): Histogram | undefined {
  if (classes.length > 0) {
    split.mix(all);
    for (const c of classes) c.histogram.addTo([split.of(c.statusClass)]);
    return undefined;
  }
  const set = classesOf(byStatus);
  if (set === 0) return undefined;
  const cls = 31 - Math.clz32(set);
  return cls === split.only ? undefined : split.apart(cls, all);
}

/**
 * A report's class histograms agree with its statuses: none when its responses are of one class (or none);
 * otherwise one per class it has responses in, each holding as many values as that class has responses.
 * Returns why not, or undefined.
 */
export function classMismatch(
  what: string,
  byStatus: Record<string, number>,
  classes: ReadonlyArray<{ statusClass: number; histogram: EncodedHistogram }>,
): string | undefined {
  const set = classesOf(byStatus);
  if (classes.length === 0) {
    return (set & (set - 1)) === 0 ? undefined : `${what} has statuses of several classes and no histogram per class`;
  }
  let seen = 0;
  for (const { statusClass, histogram } of classes) {
    const bit = 1 << statusClass;
    if (!Number.isInteger(statusClass) || statusClass < 0 || statusClass >= STATUS_CLASSES || seen & bit) {
      return `${what} has a bad or repeated status class ${statusClass}`;
    }
    seen |= bit;
    let responses = 0;
    for (const k of Object.keys(byStatus)) if (classOfStatus(k) === statusClass) responses += byStatus[k] ?? 0;
    if (histogram.count !== responses) {
      return `${what}'s ${statusClass}xx histogram holds ${histogram.count} values for ${responses} responses`;
    }
  }
  return seen === set && (set & (set - 1)) !== 0 ? undefined : `${what}'s class histograms do not match its statuses`;
}
