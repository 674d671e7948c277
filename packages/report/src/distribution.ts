import type { Histogram } from '@volley/metrics';

/** Points per tenfold step of 1/(1-p): enough for a smooth curve, few enough to keep the page small. */
const POINTS_PER_DECADE = 20;

/**
 * A percentile distribution as HdrHistogram plots it: x is 1/(1-p), so 10 is the 90th percentile, 100 the 99th,
 * 1000 the 99.9th; y is the latency in milliseconds at that percentile. All series share one x grid (a chart
 * needs aligned columns); a series has no point (null) beyond its own count, where its percentiles run out.
 */
export interface Distribution {
  x: number[];
  series: Array<{ label: string; ms: Array<number | null> }>;
}

/**
 * Samples each histogram (microseconds) at percentiles evenly spaced on a log scale of 1/(1-p), up to the last
 * percentile its count can tell apart (1 - 1/count), which is placed at its maximum value.
 */
export function distribution(histograms: Array<{ label: string; histogram: Histogram }>): Distribution {
  const counts = histograms.map((h) => h.histogram.totalCount).filter((n) => n > 0);
  const top = Math.max(1, ...counts);
  const grid = new Set<number>();
  for (let i = 0; 10 ** (i / POINTS_PER_DECADE) < top; i++) grid.add(10 ** (i / POINTS_PER_DECADE));
  for (const n of counts) grid.add(n);
  const x = [...grid].sort((a, b) => a - b);
  const series = histograms.map(({ label, histogram: h }) => {
    const n = h.totalCount;
    const ms = x.map((xi) => {
      if (n === 0 || xi > n) return null;
      const us = xi === n ? h.maxValue : h.getValueAtPercentile(100 * (1 - 1 / xi));
      return Math.round(us) / 1000;
    });
    return { label, ms };
  });
  return { x, series };
}
