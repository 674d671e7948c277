import type { Result } from '@volley/metrics';
import type { ReportFormat } from './report-format.js';

/** One row per interval, header first: what spreadsheets and plotting scripts read. Latencies in ms. */
export function renderCsv(result: Result): string {
  const rows = ['t,requests,errors,rps,p50,p90,p99,max'];
  for (const i of result.intervals) rows.push([i.t, i.requests, i.errors, i.rps, i.p50, i.p90, i.p99, i.max].join(','));
  return `${rows.join('\n')}\n`;
}

/** `--format csv`, in FORMATS. */
export const csvFormat = {
  name: 'csv',
  summary: 'one row per interval (t,requests,errors,rps,p50,p90,p99,max; ms), for spreadsheets and plots',
  render: renderCsv,
} satisfies ReportFormat;
