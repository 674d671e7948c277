import { type IntervalData, Recorder } from '@volley/metrics';
import { type Connection, createStrategy } from './client/index.js';
import { ClosedLoop, type LoopHost } from './closed-loop.js';
import { ABORT_CODE } from './error-kind.js';
import type { Plan } from './plan.js';
import { buildTemplate } from './request-template.js';

/** Receives each interval as it closes; the engine never formats or sends anything itself. */
export type IntervalSink = (interval: IntervalData) => void;

/** What a finished run reports about itself (the figures are in the intervals). */
export interface RunStats {
  /** From the first send to the end of the last request, in ms. */
  durationMs: number;
  requests: number;
  intervals: number;
  aborted: boolean;
}

/** A run in progress. */
export interface RunHandle {
  readonly done: Promise<RunStats>;
  /** Stops at once: requests in flight end as `aborted`, the last partial interval is still emitted. Idempotent. */
  abort(): void;
}

class AbortedError extends Error {
  readonly code = ABORT_CODE;
}

/**
 * The closed model: `connections` loops, each with one request in flight, until the duration has passed or the
 * request budget is spent. Requests in flight when the time is up are waited for (at most the timeout), so every
 * request the engine starts ends in exactly one bucket of exactly one interval.
 */
class ClosedModelRun implements LoopHost, RunHandle {
  readonly done: Promise<RunStats>;
  private resolve!: (stats: RunStats) => void;
  private readonly recorder = new Recorder();
  private readonly connections: Connection[] = [];
  private remaining: number;
  private started = 0;
  private idleLoops = 0;
  private stopping = false;
  private aborted = false;
  private finished = false;
  private t0 = 0;
  private seq = 0;
  private tickTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly plan: Plan,
    private readonly sink: IntervalSink,
  ) {
    this.remaining = plan.requests > 0 ? plan.requests : Number.POSITIVE_INFINITY;
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  start(): void {
    const template = buildTemplate(this.plan);
    const strategy = createStrategy(this.plan, template);
    const loops: ClosedLoop[] = [];
    for (let i = 0; i < this.plan.connections; i++) {
      const connection = strategy.connect();
      this.connections.push(connection);
      loops.push(new ClosedLoop(this, connection, template, this.recorder));
    }
    this.t0 = performance.now();
    this.scheduleTick();
    if (this.plan.durationMs > 0) this.armDeadline();
    for (const loop of loops) loop.next();
  }

  take(): boolean {
    if (this.stopping || this.remaining <= 0) return false;
    this.remaining--;
    this.started++;
    return true;
  }

  idle(): void {
    this.idleLoops++;
    if (this.idleLoops === this.connections.length) this.finish();
  }

  abort(): void {
    if (this.finished || this.aborted) return;
    this.aborted = true;
    this.stop();
    const err = new AbortedError('run aborted');
    for (const c of this.connections) c.destroy(err).catch(() => {});
  }

  /** Timers may fire a little before performance.now() says the time is up: re-arm until it really is. */
  private armDeadline(): void {
    const left = this.t0 + this.plan.durationMs - performance.now();
    if (left > 0) this.deadlineTimer = setTimeout(() => this.armDeadline(), Math.ceil(left));
    else this.stop();
  }

  private stop(): void {
    this.stopping = true;
    clearTimeout(this.deadlineTimer);
  }

  private scheduleTick(): void {
    const boundary = this.t0 + (this.seq + 1) * this.plan.intervalMs;
    this.tickTimer = setTimeout(() => this.tick(), Math.max(0, boundary - performance.now()));
  }

  private tick(): void {
    const { intervalMs } = this.plan;
    // An interval that ends at or after the deadline is left to finish(), so the last one also holds the
    // requests that were in flight when time ran out, instead of a sliver of an interval of its own.
    if (this.plan.durationMs > 0 && (this.seq + 1) * intervalMs >= this.plan.durationMs) return;
    this.sink(this.recorder.snapshot(this.seq, this.seq * intervalMs, (this.seq + 1) * intervalMs));
    this.seq++;
    this.scheduleTick();
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.tickTimer);
    clearTimeout(this.deadlineTimer);
    const elapsed = performance.now() - this.t0;
    const startMs = this.seq * this.plan.intervalMs;
    this.sink(this.recorder.snapshot(this.seq, startMs, Math.max(startMs, elapsed)));
    for (const c of this.connections) c.close().catch(() => {});
    this.resolve({ durationMs: elapsed, requests: this.started, intervals: this.seq + 1, aborted: this.aborted });
  }
}

/** Starts a run of the plan now; intervals go to `sink` as they close. */
export function startRun(plan: Plan, sink: IntervalSink): RunHandle {
  const run = new ClosedModelRun(plan, sink);
  run.start();
  return run;
}
