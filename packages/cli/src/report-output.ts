import { rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Result } from '@volley/metrics';
import { FORMATS, type FormatName, renderJson } from '@volley/report';
import { UsageError } from './errors.js';

/**
 * Fails before any load is sent if the result could not be written afterwards: the path is a directory or a
 * device, its directory is missing, or nothing can be created there (permissions, a read-only file system). A
 * full disk can still only show at the end; `writeOutput` then leaves the old file, not half a document.
 */
export async function checkOutputPath(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  const fail = (why: string): never => {
    throw new UsageError(`cannot write ${path}: ${why}`);
  };
  const dir = dirname(resolve(path));
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) fail('it is a directory');
  if (info && !info.isFile()) fail('not a regular file');
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) fail(`directory ${dir} does not exist`);
  // The only sure test of "can create a file here" is creating one.
  const probe = tempPath(path);
  await writeFile(probe, '', { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => fail(err.code ?? err.message));
  await unlink(probe);
}

/**
 * Writes `text` to `path` whole or not at all: into a temporary file beside it, renamed over it once complete,
 * so a full disk or a crash leaves no truncated document behind (and an older one intact).
 */
export async function writeOutput(path: string, text: string): Promise<void> {
  const temp = tempPath(path);
  try {
    await writeFile(temp, text, { flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new UsageError(`cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** A name in the same directory (a rename does not cross file systems), hidden, this process's own. */
function tempPath(path: string): string {
  return join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
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
  if (output !== undefined) await writeOutput(output, renderJson(result));
}
