import { fileURLToPath } from 'node:url';

/**
 * How this CLI starts another of itself (a local agent process): this Node and the bin script one level above
 * src/ and dist/ (the bundle's dist/ in the published package). The single executable is both at once: its
 * build swaps this module for one that runs the executable alone.
 */
export function selfCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [fileURLToPath(new URL('../bin/run.js', import.meta.url))] };
}
