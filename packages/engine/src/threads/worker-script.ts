import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The engine thread's script: worker.js beside this file when built (and beside the bundle in the published
 * package, which emits it there), worker.ts when run from sources (tests under tsx). The single executable has
 * no files beside it: its build swaps this module for one that returns the bundled thread as a data: URL.
 */
export function defaultWorker(): URL {
  const built = new URL('./worker.js', import.meta.url);
  return existsSync(fileURLToPath(built)) ? built : new URL('./worker.ts', import.meta.url);
}
