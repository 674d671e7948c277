import type { Result } from '@volley/metrics';

/**
 * One way to render a result, picked by name with `--format` wherever a result is shown (`run`, `controller`,
 * `report`). A renderer only reads the result: it never prints, writes files or changes what it was given.
 */
export interface ReportFormat {
  /** What `--format` takes; the same as its key in FORMATS. */
  readonly name: string;
  /** One line for --help: what the rendering is and who reads it. */
  readonly summary: string;
  /** The whole rendering, ready for stdout or a file. */
  render(result: Result): string;
}
