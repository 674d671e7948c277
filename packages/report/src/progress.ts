import type { IntervalSummary } from '@volley/metrics';
import { count, duration, millis } from './numbers.js';

/** What a progress line shows: the interval just merged, the totals so far, and the run's bounds. */
export interface ProgressState {
  interval: IntervalSummary;
  total: { requests: number; errors: number; elapsedMs: number };
  agents: number;
  /** The plan's duration (ms), 0 when a request count bounds the run. */
  durationMs: number;
  /** The plan's request count, 0 when a duration bounds the run. */
  requests: number;
}

/**
 * One line of live progress, oha/k6-style:
 * `  3s/10s  2,345 req/s (avg 2,301)  p50 0.412  p99 3.21 ms  errors 0  agents 1`.
 * The latency figures are the last interval's, so a slow patch shows as it happens.
 */
export function renderProgress(state: ProgressState): string {
  const { interval, total } = state;
  const elapsedS = Math.max(total.elapsedMs, 1) / 1000;
  const where =
    state.requests > 0
      ? `${count(total.requests)}/${count(state.requests)} requests`
      : // The last interval ends when the last request does, a hair past the duration: show the planned end.
        `${duration(Math.min(total.elapsedMs, state.durationMs))}/${duration(state.durationMs)}`;
  const latency =
    interval.requests > interval.errors
      ? `p50 ${millis(interval.p50)}  p99 ${millis(interval.p99)} ms`
      : 'no responses';
  return [
    where,
    `${count(interval.rps)} req/s (avg ${count(total.requests / elapsedS)})`,
    latency,
    `errors ${count(total.errors)}`,
    `agents ${state.agents}`,
  ].join('  ');
}
