import { createTotalHistogram, decodeHistogramBase64, type Result } from '@volley/metrics';
import { HistogramLogWriter } from 'hdr-histogram-js';

/** One row per interval, header first: what spreadsheets and plotting scripts read. Latencies in ms. */
export function renderCsv(result: Result): string {
  const rows = ['t,requests,errors,rps,p50,p90,p99,max'];
  for (const i of result.intervals) rows.push([i.t, i.requests, i.errors, i.rps, i.p50, i.p90, i.p99, i.max].join(','));
  return `${rows.join('\n')}\n`;
}

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

/**
 * An HdrHistogram interval log: one compressed histogram per interval, with its start and end in seconds since
 * the run's start (`#[StartTime: ...]` holds the absolute start), readable by HistogramLogReader and by
 * HdrHistogram's log tools (HistogramLogProcessor, the plotter). Max values are reported in milliseconds.
 */
export function renderHlog(result: Result): string {
  let text = '';
  const writer = new HistogramLogWriter((chunk: string) => {
    text += chunk;
  });
  const startMs = Date.parse(result.startedAt);
  writer.outputLogFormatVersion();
  writer.outputComment(
    `volley ${result.tool.version} ${String(result.plan.method ?? 'GET')} ${String(result.plan.url)}`,
  );
  writer.outputStartTime(startMs);
  writer.outputLegend();
  for (const i of result.intervals) {
    const h = decodeHistogramBase64(i.histogram);
    // Timestamps relative to the StartTime line, as HdrHistogram's own recorders write them.
    writer.outputIntervalHistogram(h, i.t, i.t + i.durationMs / 1000, 1000);
    h.destroy();
  }
  return text;
}
