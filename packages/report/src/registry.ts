import { csvFormat } from './csv.js';
import { hgrmFormat } from './hgrm.js';
import { hlogFormat } from './hlog.js';
import { htmlFormat } from './html.js';
import { jsonFormat } from './json.js';
import type { ReportFormat } from './report-format.js';
import { textFormat } from './text.js';

/**
 * Every format a result renders to, by the name `--format` takes: the one list `run`, `controller` and `report`
 * offer. Adding a format is a file that exports its ReportFormat, and one line here; --help lists them in this order.
 */
export const FORMATS = {
  text: textFormat,
  json: jsonFormat,
  csv: csvFormat,
  hgrm: hgrmFormat,
  hlog: hlogFormat,
  html: htmlFormat,
} satisfies Record<string, ReportFormat>;

/** A name `--format` accepts. */
export type FormatName = keyof typeof FORMATS;

/** Every format's name, in registry order: the options of `--format`. */
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];
