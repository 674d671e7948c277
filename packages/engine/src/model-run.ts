import { type IntervalData, Recorder } from '@volley/metrics';
import { compileFlow, type Plan } from '@volley/plan';
import { type ClientStrategy, type Connection, createStrategy } from './client/index.js';
import { type Clock, realClock, type Timer } from './clock.js';
import { ABORT_CODE, TIMEOUT_CODE } from './error-kind.js';
import type { Exchange } from './exchange.js';
import { talliesOf } from './flow/judge.js';

/** Receives each interval as it closes; the engine never formats or sends anything itself. */
export type IntervalSink = (interval: IntervalData) => void;

/** What a finished run reports about itself (the figures are in the intervals). */
export interface RunStats {
  /** From the start to the end of the last request, in ms: at least the duration asked for, unless aborted. */
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

/** What a caller may give a run besides its plan; tests give both, to run a model on virtual time with no network. */
export interface RunOptions {
  /** Time and timers: realClock unless given. */
  clock?: Clock;
  /** How connections are made: the plan's client strategy unless given. */
  strategy?: ClientStrategy;
}

/** A recorder for the plan: one per named request or flow step, with a flow's checks and iterations. */
function recorderFor(plan: Plan): Recorder {
  if (!plan.flow) return new Recorder(plan.endpoints.map((e) => e.name));
  const steps = compileFlow(plan.flow).steps;
  return new Recorder(
    plan.flow.steps.map((s) => s.name),
    { checks: steps.map(talliesOf) },
  );
}

class AbortedError extends Error {
  readonly code = ABORT_CODE;
}

class ExchangeTimeoutError extends Error {
  readonly code = TIMEOUT_CODE;
}

// How often the run looks for exchanges past their timeout: a quarter of it (so one ends at most 25% late), but
// no more than once a second, nor more often than every 10 ms.
const sweepEveryMs = (timeoutMs: number): number => Math.min(1000, Math.max(10, Math.ceil(timeoutMs / 4)));

/**
 * What every workload model shares: the recorder, interval ticks aligned to the run's start, the deadline, the
 * timeout of whole exchanges, and the end: requests in flight when time is up are waited for (at most the
 * timeout), so every request the engine starts ends in exactly one bucket of exactly one interval, and the run
 * ends on time. A model decides only when requests go out.
 */
export abstract class ModelRun<P extends Plan = Plan> implements RunHandle {
  readonly done: Promise<RunStats>;
  protected readonly recorder: Recorder;
  protected readonly connections: Connection[] = [];
  /** Every exchange of the run, busy or not: what the timeout sweep looks at. Models add theirs in begin(). */
  protected readonly exchanges: Array<Pick<Exchange, 'expire'>> = [];
  protected readonly strategy: ClientStrategy;
  /** Was the strategy the caller's (a test's fake network)? Then it serves every origin a flow names. */
  protected readonly givenStrategy: boolean;
  /** Every reading of time and every timer of the run, the models' included, goes through it. */
  protected readonly clock: Clock;
  /** clock.now() at the start: time zero of the run. */
  protected t0 = 0;
  protected started = 0;
  protected stopping = false;
  private resolve!: (stats: RunStats) => void;
  private aborted = false;
  /** Was the run aborted (rather than ended by its duration or budget)? */
  protected get wasAborted(): boolean {
    return this.aborted;
  }
  private finished = false;
  private seq = 0;
  private tickTimer: Timer | undefined;
  private deadlineTimer: Timer | undefined;
  private sweepTimer: Timer | undefined;
  /** One error for every timed-out exchange of the run: nothing allocated per timeout. */
  private readonly timeoutError = new ExchangeTimeoutError('the exchange took longer than the timeout');
  private readonly sweepSoon = (): void => this.sweep();

  constructor(
    protected readonly plan: P,
    private readonly sink: IntervalSink,
    options: RunOptions = {},
  ) {
    this.recorder = recorderFor(plan);
    this.clock = options.clock ?? realClock;
    this.strategy = options.strategy ?? createStrategy(plan);
    this.givenStrategy = options.strategy !== undefined;
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  /** Opens connections and sends the first requests; called once, with the clock started. */
  protected abstract begin(): void;

  /** The deadline passed: send nothing more. */
  protected stop(): void {
    this.stopping = true;
    this.clock.clearTimeout(this.deadlineTimer);
  }

  /**
   * Gets ready to start: opens `connections` ahead (the pooled client). Resolves when each has connected or
   * failed; `start` need not wait for it: a connection not open by then opens when first used.
   */
  async prepare(connections: number): Promise<void> {
    if (connections > 0) await this.strategy.preconnect?.(connections);
  }

  /** A prepared run that will not start: closes the connections opened ahead. */
  discard(): void {
    this.strategy.release?.();
  }

  start(): void {
    this.t0 = this.clock.now();
    this.scheduleTick();
    if (this.plan.durationMs > 0) this.armDeadline();
    this.sweepTimer = this.clock.setTimeout(this.sweepSoon, sweepEveryMs(this.plan.timeoutMs));
    this.begin();
  }

  /** Aborts, as timeouts, the exchanges sent more than the timeout ago; goes on until the run has finished. */
  private sweep(): void {
    const cutoff = this.clock.now() - this.plan.timeoutMs;
    for (const exchange of this.exchanges) exchange.expire(cutoff, this.timeoutError);
    if (!this.finished) this.sweepTimer = this.clock.setTimeout(this.sweepSoon, sweepEveryMs(this.plan.timeoutMs));
  }

  abort(): void {
    if (this.finished || this.aborted) return;
    this.aborted = true;
    this.stop();
    const err = new AbortedError('run aborted');
    for (const c of this.connections) c.destroy(err).catch(() => {});
    this.strategy.release?.();
    this.afterAbort();
  }

  /** A model with nothing in flight must end itself here, since no completion will come. */
  protected afterAbort(): void {}

  /** Timers may fire a little before clock.now() says the time is up: re-arm until it really is. */
  private armDeadline(): void {
    const left = this.t0 + this.plan.durationMs - this.clock.now();
    if (left > 0) this.deadlineTimer = this.clock.setTimeout(() => this.armDeadline(), Math.ceil(left));
    else this.deadline();
  }

  /** The duration has passed. */
  protected deadline(): void {
    this.stop();
  }

  private scheduleTick(): void {
    const boundary = this.t0 + (this.seq + 1) * this.plan.intervalMs;
    this.tickTimer = this.clock.setTimeout(() => this.tick(), Math.max(0, boundary - this.clock.now()));
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

  /** Everything sent has ended: emit the last interval, close the connections, resolve. Idempotent. */
  protected finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.clock.clearTimeout(this.tickTimer);
    this.clock.clearTimeout(this.deadlineTimer);
    this.clock.clearTimeout(this.sweepTimer);
    const elapsed = this.clock.now() - this.t0;
    const startMs = this.seq * this.plan.intervalMs;
    this.sink(this.recorder.snapshot(this.seq, startMs, Math.max(startMs, elapsed)));
    for (const c of this.connections) c.close().catch(() => {});
    this.strategy.release?.();
    this.resolve({ durationMs: elapsed, requests: this.started, intervals: this.seq + 1, aborted: this.aborted });
  }
}
