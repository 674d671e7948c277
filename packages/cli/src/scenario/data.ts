import { extname, resolve } from 'node:path';
import { type DataSet, MAX_DATA_BYTES } from '@volley/plan';
import { MiB, readBounded } from '../bounded-read.js';
import { UsageError } from '../errors.js';
import { DataFileError, parseCsv, type Table } from './csv.js';
import type { DataEntry } from './file.js';
import { parseJsonRows } from './json-rows.js';
import type { Locator } from './locate.js';

// A data file may be larger than its values (delimiters, quotes, JSON keys on every row): the read is bounded at
// a few times the plan's limit on the values, which is then checked while parsing, at the row that passes it.
const MAX_DATA_FILE_BYTES = 4 * MAX_DATA_BYTES;
const FORMATS: Record<string, DataEntry['format']> = {
  '.csv': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/**
 * Reads the scenario's data sets (paths relative to the scenario file), each strictly: a mistake is one line at
 * its place in the data file (`users.csv:4:1: data.users: 1 values for 2 columns`), a missing or too big file
 * at the data set's place in the scenario. All sets' values together are bounded by the plan's MAX_DATA_BYTES.
 */
export async function readDataSets(
  entries: Record<string, DataEntry>,
  base: string,
  locate: Locator,
): Promise<DataSet[]> {
  const budget = { left: MAX_DATA_BYTES };
  const sets: DataSet[] = [];
  for (const [name, entry] of Object.entries(entries)) {
    const field = `data.${name}`;
    const path = resolve(base, entry.file);
    const where = locate.where(['data', name, 'file']);
    const bytes = await readBounded(path, MAX_DATA_FILE_BYTES, `${where}: ${field}.file: cannot read ${path}`);
    const format = entry.format ?? FORMATS[extname(path).toLowerCase()] ?? sniff(bytes);
    const tooBig = (line: number) =>
      new UsageError(
        `${path}:${line}:1: ${field}: the data sets hold over ${MAX_DATA_BYTES / MiB} MiB of values in all (the limit)`,
      );
    let table: Table;
    try {
      const text = decode(bytes);
      table =
        format === 'csv' ? parseCsv(text, budget, tooBig) : parseJsonRows(text, format === 'jsonl', budget, tooBig);
    } catch (err) {
      if (err instanceof DataFileError)
        throw new UsageError(`${path}:${err.line}:${err.col}: ${field}: ${err.message}`);
      throw err;
    }
    sets.push({ name, order: entry.order ?? 'sequential', columns: table.columns, rows: table.rows });
  }
  return sets;
}

/** A file named neither .csv nor .json(l): JSON if it starts like JSON, else CSV. */
function sniff(bytes: Buffer): DataEntry['format'] {
  const first = bytes.toString('utf8', 0, Math.min(bytes.length, 64)).trimStart()[0];
  return first === '[' ? 'json' : first === '{' ? 'jsonl' : 'csv';
}

/** UTF-8 text (a byte order mark dropped); anything else is a mistake at its first bad byte. */
function decode(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const text = bytes.toString('utf8');
    const bad = text.indexOf('\uFFFD');
    const before = text.slice(0, Math.max(0, bad));
    const line = before.split('\n').length;
    throw new DataFileError('not UTF-8 text', line, bad - before.lastIndexOf('\n'));
  }
}
