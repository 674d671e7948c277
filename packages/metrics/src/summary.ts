import { encodeHistogramBase64, type Histogram, meanAndStdDeviation } from './histogram.js';

/** Latency figures in milliseconds (floats), from a histogram of microseconds. */
export interface LatencySummary {
  /** Number of values the figures were computed from. */
  count: number;
  min: number;
  mean: number;
  stdev: number;
  max: number;
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  p99_9: number;
  p99_99: number;
  /** HdrHistogram compressed base64 encoding of the values (microseconds), so any figure can be recomputed. */
  histogram: string;
}

const ms = (us: number): number => Math.round(us) / 1000;

/** Summarises a histogram of microseconds; an empty histogram gives zeros, not sentinels. */
export function summarize(h: Histogram): LatencySummary {
  const empty = h.totalCount === 0;
  const { mean, stdDeviation } = meanAndStdDeviation(h);
  return {
    count: h.totalCount,
    min: empty ? 0 : ms(h.minNonZeroValue),
    mean: empty ? 0 : Math.round(mean) / 1000,
    stdev: empty ? 0 : Math.round(stdDeviation) / 1000,
    max: empty ? 0 : ms(h.maxValue),
    p50: ms(h.getValueAtPercentile(50)),
    p75: ms(h.getValueAtPercentile(75)),
    p90: ms(h.getValueAtPercentile(90)),
    p99: ms(h.getValueAtPercentile(99)),
    p99_9: ms(h.getValueAtPercentile(99.9)),
    p99_99: ms(h.getValueAtPercentile(99.99)),
    histogram: encodeHistogramBase64(h),
  };
}
