import type { Result } from '@volley/metrics';
import type { ReportFormat } from './report-format.js';

/** The result document as written to files and stdout: pretty, stable key order, newline at the end. */
export function renderJson(result: Result): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/** `--format json`, in FORMATS. */
export const jsonFormat = {
  name: 'json',
  summary: 'the result document, as run -o saves it, for scripts and CI',
  render: renderJson,
} satisfies ReportFormat;
