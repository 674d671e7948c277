import { createTotalHistogram, decodeHistogramBase64, type Result } from '@volley/metrics';
import type { ReportFormat } from './report-format.js';

/** The whole run's histogram: the result's own, or the sum of its intervals' (results are exact either way). */
function wholeRun(result: Result) {
  if (result.latency.histogram) return decodeHistogramBase64(result.latency.histogram);
  const total = createTotalHistogram();
  for (const i of result.intervals) {
    const h = decodeHistogramBase64(i.histogram);
    total.add(h);
    h.destroy();
  }
  return total;
}

/**
 * The percentile distribution as HdrHistogram and wrk2 print it (`Value Percentile TotalCount 1/(1-Percentile)`,
 * then the `#[Mean ...]` footer), in milliseconds, so HdrHistogram's plotter reads it. 5 ticks per half distance,
 * HdrHistogram's default.
 */
export function renderHgrm(result: Result): string {
  const h = wholeRun(result);
  try {
    return h.outputPercentileDistribution(5, 1000);
  } finally {
    h.destroy();
  }
}

/** `--format hgrm`, in FORMATS. */
export const hgrmFormat = {
  name: 'hgrm',
  summary: "the percentile distribution as wrk2 and HdrHistogram print it (ms), for HdrHistogram's plotter",
  render: renderHgrm,
} satisfies ReportFormat;
