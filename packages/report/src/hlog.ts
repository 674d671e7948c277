import { decodeHistogramBase64, type Result } from '@volley/metrics';
import { HistogramLogWriter } from 'hdr-histogram-js';
import type { ReportFormat } from './report-format.js';

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

/** `--format hlog`, in FORMATS. */
export const hlogFormat = {
  name: 'hlog',
  summary: "an HdrHistogram interval log, one histogram per interval, for HdrHistogram's log tools",
  render: renderHlog,
} satisfies ReportFormat;
