import type { IntervalSummary } from '@volley/metrics';
import { count, duration, millis } from './numbers.js';

/** What a progress line shows: the interval just merged, the totals so far, and the run's bounds. */
export interface ProgressState {
  interval: IntervalSummary;
  /** Totals so far: requests, errors (no response), and (when counted) responses with a status >= 400. */
  total: { requests: number; errors: number; elapsedMs: number; failed?: number };
  agents: number;
  /** The plan's duration (ms), 0 when a request count bounds the run. */
  durationMs: number;
  /** The plan's request count, 0 when a duration bounds the run. */
  requests: number;
  /** Open model: the rate asked for now (req/s), and the sends so far that went out late or never went out. */
  open?: { asked: number; late: number; dropped: number };
  /** A ramp of connections: how many the stage asks for now. */
  connections?: number;
}

/**
 * One part of a progress line. `bad` marks a failure (a colour on a terminal); a narrow terminal drops the
 * parts of lowest `rank` first (0 is kept whatever the width), so failures are the last to go.
 */
export interface ProgressPart {
  text: string;
  bad?: boolean;
  rank: number;
}

/**
 * The parts of a progress line, in the order they are shown, oha/k6-style:
 * `3s/10s  2,345 req/s (avg 2,301)  p50 0.412  p99 3.21 ms  errors 0  agents 1`, with statuses >= 400 beside the
 * errors, and the asked rate with late and never-sent requests in the open model. The latency figures are the
 * last interval's, so a slow patch shows as it happens; throughput counts responses, not failed sends.
 */
export function progressParts(state: ProgressState): ProgressPart[] {
  const { interval, total } = state;
  const elapsedS = Math.max(total.elapsedMs, 1) / 1000;
  const where =
    state.requests > 0
      ? `${count(total.requests)}/${count(state.requests)} requests`
      : // The last interval ends when the last request does, a hair past the duration: show the planned end.
        `${duration(Math.min(total.elapsedMs, state.durationMs))}/${duration(state.durationMs)}`;
  const answered = interval.requests > interval.errors;
  const parts: ProgressPart[] = [
    { text: where, rank: 0 },
    { text: `${count(interval.rps)} req/s (avg ${count((total.requests - total.errors) / elapsedS)})`, rank: 8 },
    answered
      ? { text: `p50 ${millis(interval.p50)}  p99 ${millis(interval.p99)} ms`, rank: 6 }
      : { text: 'no responses', rank: 7, bad: interval.requests > 0 },
  ];
  if (state.open) {
    parts.push({ text: `asked ${count(state.open.asked)}/s`, rank: 5 });
    if (state.open.late > 0) parts.push({ text: `late ${count(state.open.late)}`, rank: 4, bad: true });
    if (state.open.dropped > 0) parts.push({ text: `dropped ${count(state.open.dropped)}`, rank: 4, bad: true });
  }
  if (state.connections !== undefined) parts.push({ text: `conns ${count(state.connections)}`, rank: 3 });
  parts.push({ text: `errors ${count(total.errors)}`, rank: 9, bad: total.errors > 0 });
  const failed = total.failed ?? 0;
  if (failed > 0) parts.push({ text: `status>=400 ${count(failed)}`, rank: 9, bad: true });
  parts.push({ text: `agents ${state.agents}`, rank: 1 });
  return parts;
}

const SEPARATOR = '  ';

/**
 * The parts that fit in `width` columns, dropping the lowest ranked first, joined; `paint` colours a failure (a
 * terminal's red). Colour codes take no columns.
 */
export function fitProgress(parts: ProgressPart[], width: number, paint?: (text: string) => string): string {
  const kept = [...parts];
  const length = () => kept.reduce((n, p) => n + p.text.length, 0) + SEPARATOR.length * (kept.length - 1);
  while (length() > width) {
    let lowest = -1;
    kept.forEach((p, i) => {
      if (p.rank > 0 && (lowest < 0 || p.rank < (kept[lowest] as ProgressPart).rank)) lowest = i;
    });
    if (lowest < 0) break;
    kept.splice(lowest, 1);
  }
  let line = kept.map((p) => (p.bad && paint ? paint(p.text) : p.text)).join(SEPARATOR);
  // Even the first part alone may be too wide for a very narrow terminal: cut it (uncoloured) rather than wrap.
  if (length() > width)
    line = kept
      .map((p) => p.text)
      .join(SEPARATOR)
      .slice(0, width);
  return line;
}

/** One line of live progress, every part (as written to a log, where nothing is redrawn). */
export function renderProgress(state: ProgressState): string {
  return progressParts(state)
    .map((p) => p.text)
    .join(SEPARATOR);
}

/**
 * Where a linear ramp is at `elapsedMs`: from `start` through each stage's target in turn (k6's stages), the last
 * target once they are over.
 */
export function rampAt(
  start: number,
  stages: ReadonlyArray<{ durationMs: number; target: number }>,
  elapsedMs: number,
): number {
  let from = start;
  let left = elapsedMs;
  for (const stage of stages) {
    if (left < stage.durationMs) return from + ((stage.target - from) * left) / stage.durationMs;
    left -= stage.durationMs;
    from = stage.target;
  }
  return from;
}
