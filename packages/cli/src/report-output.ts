import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Result } from '@volley/metrics';
import { FORMATS, type FormatName, renderJson } from '@volley/report';
import { UsageError } from './errors.js';

/** Fails before any load is sent if the result could not be written afterwards. */
export async function checkOutputPath(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  const dir = dirname(resolve(path));
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new UsageError(`cannot write ${path}: directory ${dir} does not exist`);
}

/**
 * Renders the result on stdout in the asked format (unless oclif's --json prints it) and writes the JSON document
 * to `output`, if given: the file is the result itself, whatever is shown, so `volley report` can render it again.
 */
export async function emitResult(
  result: Result,
  format: FormatName | undefined,
  output: string | undefined,
): Promise<void> {
  if (format !== undefined) process.stdout.write(FORMATS[format].render(result));
  if (output !== undefined) await writeFile(output, renderJson(result));
}
