// What the bench scripts share: where the CLI is, a free loopback port (from @volley/target), a median.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The volley CLI entry, as users run it. */
export const VOLLEY = join(dirname(require.resolve('@volley/cli/package.json')), 'bin', 'run.js');

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export { freePort } from '@volley/target';
