import { fileURLToPath } from 'node:url';

/**
 * What startTargetProcess forks: serve.js beside this file (beside the bundle in the published package). The
 * single executable has no files: its build swaps this module for one that names the executable's own
 * child-target mode instead (the executable is what `fork` runs there).
 */
export function serveScript(): string {
  return fileURLToPath(new URL('./serve.js', import.meta.url));
}
