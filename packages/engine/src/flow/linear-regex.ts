import { setFlagsFromString } from 'node:v8';
import type { CompiledFlow } from '@volley/plan';

let guarded = false;

/**
 * `compiled` with its regex captures made so that no body can hold this process on them: from now on a regex that
 * backtracks more than a thousand times in one match goes on in V8's linear-time engine (same result, bounded
 * time), so `^(a+)+$` on a 1 MiB body of `a`s cannot hold the event loop, its heartbeats and its stop.
 * Backreferences and lookarounds, which that engine cannot run, never reach here (@volley/plan refuses them).
 *
 * The flags are process-wide (every thread), but V8 decides at a regex's compilation, and caches compilations by
 * source: a RegExp made before them (the plan's own, when it was checked) never falls back, nor does a new one of
 * the same source (seen on Node 26). So each capture gets a new RegExp of an equivalent source the check never
 * compiled: the same pattern in a non-capturing group. Node 20 to 26.
 */
export function linearTimeCaptures(compiled: CompiledFlow): CompiledFlow {
  if (!compiled.steps.some((s) => s.captures.some((c) => c.from === 'regex'))) return compiled;
  if (!guarded) {
    guarded = true;
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    setFlagsFromString('--regexp-backtracks-before-fallback=1000');
  }
  return {
    ...compiled,
    steps: compiled.steps.map((step) => ({
      ...step,
      captures: step.captures.map((c) =>
        c.from === 'regex' ? { ...c, regex: new RegExp(`(?:${c.regex.source})`, c.regex.flags) } : c,
      ),
    })),
  };
}
