// What the bench scripts share: where the CLI is, a free loopback port (from @volley/target), a median, how loaded
// the machine was (CPU pressure) while something ran.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The volley CLI entry, as users run it. */
export const VOLLEY = join(dirname(require.resolve('@volley/cli/package.json')), 'bin', 'run.js');

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export { freePort } from '@volley/target';

/**
 * Linux's CPU pressure (PSI): microseconds so far during which some runnable task waited for a CPU, or NaN where
 * /proc/pressure is missing. Over a run, its growth divided by the run's wall time says how much of the time
 * something queued for a core: near 0 on a quiet machine, high when neighbours load it (the figures are noise then).
 */
export function cpuStallUs() {
  try {
    const line = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    return Number(/total=(\d+)/.exec(line)?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** Runs `fn`; returns its result and the share (0..1) of its wall time during which some task waited for a CPU. */
export async function withPressure(fn) {
  const [stall0, t0] = [cpuStallUs(), performance.now()];
  const result = await fn();
  const pressure = (cpuStallUs() - stall0) / ((performance.now() - t0) * 1000);
  return { result, pressure };
}
