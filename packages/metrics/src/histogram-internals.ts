// Types only: what the fast paths read of hdr-histogram-js beyond its declared API, in a file of its own so
// that histogram.ts and the V2 encoder it calls both read it without importing each other.

/**
 * The JsHistogram methods the fast paths of this package use. They are public in the JavaScript but not in the
 * library's types; `histogram.test.ts` checks every fast path against the library's own slow one, so an upgrade
 * that changes them fails a test rather than a figure.
 */
export interface Internals {
  readonly countsArrayLength: number;
  readonly lowestDiscernibleValue: number;
  readonly subBucketHalfCount: number;
  readonly unitMagnitude: number;
  /** Written after `resize`, as the library's own auto-resize does. */
  highestTrackableValue: number;
  /** The bucket counts (TypedArrayHistogram: a Uint32Array for interval histograms, a Float64Array for totals). */
  readonly _counts: unknown;
  getCountAtIndex(index: number): number;
  valueFromIndex(index: number): number;
  highestEquivalentValue(value: number): number;
  addToCountAtIndex(index: number, count: number): void;
  addToTotalCount(count: number): void;
  updateMinAndMax(value: number): void;
  /** Grows the buckets to cover the value (TypedArrayHistogram: a new array, the counts copied). */
  resize(highestTrackableValue: number): void;
}
