import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createIntervalHistogram,
  cumulativeCounts,
  decodeHistogramBase64,
  encodeHistogramBase64,
} from '../src/index.js';

describe('cumulativeCounts', () => {
  it('counts each value at or below each bound, as its bucket’s highest equivalent value', () => {
    const h = createIntervalHistogram();
    const values: number[] = [];
    let x = 7;
    for (let i = 0; i < 20_000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const v = 1 + Math.round((x / 2 ** 31) ** 4 * 3_000_000);
      values.push(v);
      h.recordValue(v);
    }
    const bounds = [100, 250, 500, 1000, 2500, 5000, 10_000, 100_000, 1_000_000, 10_000_000];
    // Decoded from the base64 form, as a listener gets it.
    const got = cumulativeCounts(decodeHistogramBase64(encodeHistogramBase64(h)), bounds);
    // The value HdrHistogram reports for a recorded value: the highest in its bucket.
    const reported = (v: number): number =>
      (h as unknown as { highestEquivalentValue(v: number): number }).highestEquivalentValue(v);
    const want = bounds.map((b) => values.filter((v) => reported(v) <= b).length);
    assert.deepEqual(got, want);
    assert.equal(got.at(-1), 20_000);
    for (let i = 1; i < got.length; i++) assert.ok((got[i] as number) >= (got[i - 1] as number), 'cumulative');
  });

  it('puts the p99 the result reports in the bucket these counts give it', () => {
    const h = createIntervalHistogram();
    for (let v = 1; v <= 10_000; v++) h.recordValue(v * 37);
    const p99 = h.getValueAtPercentile(99);
    const bounds = [p99 - 1, p99, p99 + 1000];
    const [below, at] = cumulativeCounts(h, bounds);
    assert.ok((below as number) < 9900 && (at as number) >= 9900, `${below} < 9,900 <= ${at}`);
  });

  it('an empty histogram gives zeros', () => {
    assert.deepEqual(cumulativeCounts(createIntervalHistogram(), [1, 10]), [0, 0]);
  });
});
