import { readFile } from 'node:fs/promises';
import type { Result } from '@volley/metrics';
import { UsageError } from './errors.js';

/** A saved result document, or a one-line error. */
export async function readResult(path: string): Promise<Result> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  let doc: Partial<Result>;
  try {
    doc = JSON.parse(text) as Partial<Result>;
  } catch {
    throw new UsageError(`${path} is not JSON`);
  }
  if (doc?.tool?.name !== 'volley' || doc.schema !== 1 || !Array.isArray(doc.intervals)) {
    throw new UsageError(`${path} is not a volley result (write one with volley run -o FILE)`);
  }
  return doc as Result;
}
