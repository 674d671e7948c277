import { setFlagsFromString } from 'node:v8';

let guarded = false;

/**
 * From now on, a regex that backtracks more than a thousand times in one match goes on in V8's linear-time engine
 * (same result, bounded time), so a capture from a hostile or careless scenario (`^(a+)+$` on a 1 MiB body)
 * cannot hold this process's event loop, its heartbeats and its stop. The flags are process-wide (every thread)
 * and take effect for regexes compiled before too; backreferences and lookarounds, which that engine cannot run,
 * never reach here (@volley/plan refuses them). Supported on Node 20 to 26; once per process.
 */
export function linearTimeRegexes(): void {
  if (guarded) return;
  guarded = true;
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  setFlagsFromString('--regexp-backtracks-before-fallback=1000');
}
