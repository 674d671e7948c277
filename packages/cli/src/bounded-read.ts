import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './errors.js';

/** 1 MiB, the unit the limits below are given in. */
export const MiB = 1 << 20;

/**
 * Reads a file the user named, all of it, but only a regular file of at most `maxBytes`: `/dev/zero` or a FIFO
 * would otherwise be read without end (or block), and a huge file would be held in memory whole. `failure` starts
 * the one-line error (`cannot read scenario s.yaml`), the reason follows.
 */
export async function readBounded(path: string, maxBytes: number, failure = `cannot read ${path}`): Promise<Buffer> {
  const fail = (why: string): never => {
    throw new UsageError(`${failure}: ${why}`);
  };
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => fail(err.code ?? String(err)));
  if (!info.isFile()) fail('not a regular file');
  if (info.size > maxBytes) fail(`${info.size} bytes is over the limit of ${maxBytes / MiB} MiB`);
  const data = await readFile(path).catch((err: NodeJS.ErrnoException) => fail(err.code ?? String(err)));
  // It may have grown since the stat.
  if (data.byteLength > maxBytes) fail(`over the limit of ${maxBytes / MiB} MiB`);
  return data;
}
