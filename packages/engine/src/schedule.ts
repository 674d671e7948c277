import type { OpenPlan, Stage } from '@volley/plan';

/**
 * When each request of an open-model run is meant to go out. Pure: no clocks inside, so a constant rate and a
 * ramp are each tested without a network (vegeta's Pacer, as a function of the request number).
 */
export interface Schedule {
  /** Intended send time of request `n` (0-based), in microseconds since the run's start; Infinity when over. */
  at(n: number): number;
}

/** `next()` says the schedule is over: send nothing more. */
export const STOP = -1;

/**
 * vegeta's Pacer question asked of a schedule: `sent` requests have gone out and `elapsedUs` have passed; how
 * long to wait (µs) before the next one, 0 if it is due or overdue, or STOP.
 */
export function next(schedule: Schedule, elapsedUs: number, sent: number): number {
  const due = schedule.at(sent);
  if (due === Number.POSITIVE_INFINITY) return STOP;
  return Math.max(0, due - elapsedUs);
}

/** One linear piece: the rate goes from `from` to `to` (req/s) over [startUs, endUs). */
interface Segment {
  startUs: number;
  endUs: number;
  from: number;
  to: number;
  /** Requests scheduled before this segment starts: the integral of the rate so far. */
  before: number;
}

/**
 * A rate that is piecewise linear in time: a constant rate is one piece, k6-style stages are one piece each.
 * Request n goes out when the integral of the rate reaches n, so a ramp sends exactly what its area says.
 */
export class RateSchedule implements Schedule {
  private readonly segments: Segment[] = [];
  /** Where the last lookup ended: requests are asked for in order, so the search is amortised O(1). */
  private cursor = 0;

  /** `durationMs` 0 means the constant rate never ends (a request count bounds the run instead). */
  static constant(rate: number, durationMs: number): RateSchedule {
    return new RateSchedule(rate, [
      { durationMs: durationMs > 0 ? durationMs : Number.POSITIVE_INFINITY, target: rate },
    ]);
  }

  constructor(startRate: number, stages: readonly Stage[]) {
    let startUs = 0;
    let from = startRate;
    let before = 0;
    for (const stage of stages) {
      const endUs = startUs + stage.durationMs * 1000;
      this.segments.push({ startUs, endUs, from, to: stage.target, before });
      before += ((from + stage.target) / 2) * ((endUs - startUs) / 1e6);
      startUs = endUs;
      from = stage.target;
    }
  }

  at(n: number): number {
    const current = this.segments[this.cursor];
    if (current === undefined || n < current.before) this.cursor = 0;
    for (; this.cursor < this.segments.length; this.cursor++) {
      const seg = this.segments[this.cursor] as Segment;
      // Rounding can leave a request due at a boundary a hair before the next segment's start.
      const m = n - seg.before;
      const t = offsetUs(seg, m < 0 && m > -1e-6 ? 0 : m);
      if (t !== undefined) return seg.startUs + t;
    }
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * Time into the segment (µs) at which `m` requests past its start are due, or undefined if not in it.
 * Requests in the segment by time τ (s): from·τ + (to − from)·τ² / 2T. Solved for τ.
 */
function offsetUs(seg: Segment, m: number): number | undefined {
  const lengthS = (seg.endUs - seg.startUs) / 1e6;
  const slope = Number.isFinite(lengthS) ? (seg.to - seg.from) / lengthS : 0;
  let tau: number;
  if (Math.abs(slope) < 1e-12) {
    if (seg.from <= 0) return undefined;
    tau = m / seg.from;
  } else {
    const disc = seg.from * seg.from + 2 * slope * m;
    if (disc < 0) return undefined;
    tau = (-seg.from + Math.sqrt(disc)) / slope;
  }
  if (!(tau >= 0) || tau >= lengthS) return undefined;
  return tau * 1e6;
}

/** Closed-model stages: how many connections should be busy at a time, ramping linearly from 0. Pure. */
export function connectionsAt(stages: readonly Stage[], elapsedMs: number): number {
  let start = 0;
  let from = 0;
  for (const stage of stages) {
    if (elapsedMs < start + stage.durationMs) {
      return Math.round(from + ((stage.target - from) * (elapsedMs - start)) / stage.durationMs);
    }
    start += stage.durationMs;
    from = stage.target;
  }
  return Math.round(from);
}

/** The open-model plan's schedule: its rate ramped by its stages, or held for its duration (a count ends it). */
export function scheduleOf(plan: Pick<OpenPlan, 'rate' | 'stages' | 'durationMs'>): RateSchedule {
  return plan.stages.length > 0
    ? new RateSchedule(plan.rate, plan.stages)
    : RateSchedule.constant(plan.rate, plan.durationMs);
}

/**
 * How many sends (or iterations) the schedule had due before the run's end beyond the `sent` that went out:
 * what an overloaded run dropped (k6's dropped iterations). `requests` > 0 caps the count, as the plan does.
 */
export function dueBeyond(schedule: Schedule, sent: number, plan: Pick<OpenPlan, 'requests' | 'durationMs'>): number {
  const endUs = plan.durationMs > 0 ? plan.durationMs * 1000 : Number.POSITIVE_INFINITY;
  let n = sent;
  while (!(plan.requests > 0 && n >= plan.requests)) {
    const dueUs = schedule.at(n);
    if (dueUs === Number.POSITIVE_INFINITY || dueUs > endUs) break;
    n++;
  }
  return n - sent;
}
