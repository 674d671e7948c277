import type { Result } from '@volley/metrics';

/** The result document as written to files and stdout: pretty, stable key order, newline at the end. */
export function renderJson(result: Result): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
