import { type IntervalData, IntervalRejectedError, type RunAggregate } from '@volley/metrics';
import type { Plan } from '@volley/plan';
import { BadIntervalError, type Finished, type Interval, intervalFromWire } from '@volley/protocol';
import type { Logger } from 'pino';

/** Slack on the controller's clock when judging an agent's times: a Start in flight, timers firing late. */
export const CLOCK_SLACK_MS = 1_000;

/** Who sent a report, as the log names it. */
interface Sender {
  readonly id: string;
  readonly name: string;
}

/**
 * What agents report, checked before it reaches the run's figures. Everything from the wire is judged on its
 * own and against the plan: interval k of an engine spans [k, k+1) intervals of the plan's length (the last one
 * longer by at most a request's timeout), and no agent runs longer than the plan, or than the time since the
 * Start went out. A bad interval is dropped with its reason logged; the agent keeps its connection and the run
 * goes on, so one hostile or broken report never costs the figures of the others.
 */
export class RunIntake {
  private startedAt = -1;
  private droppedIntervals = 0;

  constructor(
    private readonly aggregate: RunAggregate,
    private readonly plan: Pick<Plan, 'durationMs' | 'intervalMs' | 'timeoutMs'>,
    private readonly log: Logger,
  ) {}

  /** Intervals dropped so far. */
  get dropped(): number {
    return this.droppedIntervals;
  }

  /** The Start went out: agents' clocks begin no earlier than now. */
  started(): void {
    this.startedAt = performance.now();
  }

  /** Merges one interval from the wire, or drops it with a logged reason. */
  interval(from: Sender, wire: Interval): void {
    try {
      const data = intervalFromWire(wire);
      const times = this.badTimes(data);
      if (times) throw new BadIntervalError(times);
      this.aggregate.add(from.id, data);
    } catch (err) {
      this.droppedIntervals++;
      const known = err instanceof BadIntervalError || err instanceof IntervalRejectedError;
      const fields = { agent: from.name, seq: wire.seq, dropped: this.droppedIntervals };
      // Anything but a refusal is a bug of ours: the stack goes to the log, and still only this interval is lost.
      if (known) this.log.warn({ ...fields, code: err.code, reason: err.message }, 'dropped a bad interval');
      else this.log.error({ ...fields, err }, 'dropped an interval that could not be merged');
    }
  }

  /**
   * The duration an agent measured, if it can be true (finite, not negative, no longer than the plan or the time
   * since the Start); otherwise the controller's own measure stands in, logged, so a 1e300 never becomes the run's.
   */
  finishedDurationMs(from: Sender, wire: Finished): number {
    const { durationMs } = wire;
    const sinceStart = this.startedAt < 0 ? 0 : performance.now() - this.startedAt;
    const planned = this.plan.durationMs > 0 ? this.plan.durationMs + this.plan.timeoutMs : 0;
    const limit = Math.max(sinceStart, planned) + CLOCK_SLACK_MS;
    if (Number.isFinite(durationMs) && durationMs >= 0 && durationMs <= limit) return durationMs;
    this.log.warn({ agent: from.name, durationMs, limitMs: limit }, 'refused a Finished duration; using our own');
    return sinceStart;
  }

  private badTimes(data: IntervalData): string | undefined {
    const { seq, startMs, endMs } = data;
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs < 0 || endMs < startMs) {
      return `bad time span [${startMs}, ${endMs})`;
    }
    const { intervalMs, timeoutMs } = this.plan;
    const limit = (seq + 1) * intervalMs + timeoutMs + CLOCK_SLACK_MS;
    if (endMs > limit) return `interval ${seq} ends at ${endMs} ms, past ${limit} ms`;
    return undefined;
  }
}
