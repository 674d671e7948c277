import type { Plan, WorkloadModel } from '@volley/plan';
import { closedModel } from './closed-model.js';
import type { EngineModel } from './model.js';
import type { IntervalSink, RunHandle, RunOptions } from './model-run.js';
import { openModel } from './open-model.js';
import { ThreadHealth } from './thread-health.js';
import { prepareThreadedRun, type ThreadedRun } from './threads/threaded-run.js';
import { hotPlan, warmUp } from './warm-up.js';

export type { IntervalSink, RunHandle, RunOptions, RunStats } from './model-run.js';

/** Workload models by name: adding one is a file beside this one and a line here. */
const MODELS: { [M in WorkloadModel]: EngineModel<Extract<Plan, { model: M }>> } = {
  closed: closedModel,
  open: openModel,
};

/** The engine side of a plan's own model. */
export function engineModel<P extends Plan>(plan: P): EngineModel<P> {
  return MODELS[plan.model] as unknown as EngineModel<P>;
}

/** Starts a run of the plan now, on this thread; intervals go to `sink` as they close. */
export function startRun(plan: Plan, sink: IntervalSink, options?: RunOptions): RunHandle {
  const run = engineModel(plan).create(plan, sink, options);
  run.start();
  return run;
}

/** A run made ready ahead of its start (see `prepare`). */
export interface PreparedRun {
  /** Resolves when the warm-up is done and the connections are open (or failed to open); never rejects. */
  readonly ready: Promise<void>;
  /** Starts now, with whatever is ready. Once. */
  start(): RunHandle;
  /** Drops a run that will not start: closes what it opened; resolves once it is closed (its threads exited). */
  discard(): Promise<void>;
}

/** How a run is spread over this process, and (for tests) what time and network it runs on. */
export interface PrepareOptions extends RunOptions {
  /** Engine threads: more than 1 runs the plan's shares on worker threads, merged into one interval stream. */
  workers?: number;
  /** A thread that failed, or whose interval had to be merged late; the others go on, and nothing measured is lost. */
  onThreadError?: (err: Error, thread: number) => void;
  /** Requests of this process's warm-up, instead of what the plan calls for (bench/warm-up.mjs varies it). */
  warmUpRequests?: number;
  /** Attach each thread's health (event-loop lag, CPU) to its intervals, measured on the real clock. */
  health?: boolean;
  /**
   * Run a hot plan's single engine thread apart from the caller's (a worker thread), so that whatever else the
   * calling thread does (an agent's link, a local run's controller, progress and reports) never holds up a send
   * or a measurement. A plan too short to be hot stays here, where a thread's start would cost more than it saves.
   */
  ownThread?: boolean;
  /** Tests: the engine thread's script instead of the engine's own (one that crashes, say). */
  threadScript?: URL;
}

/**
 * The engine's one entry point: gets a run ready without starting it. This process's HTTP path is warmed up and
 * the connections are opened, so the run's first second measures the server, not the generator's cold start.
 * With `workers` > 1 (or `ownThread` and a hot plan) the same happens on each worker thread, hidden behind the
 * same PreparedRun (threads run on the real clock and network). An agent prepares when the Plan arrives and
 * starts on the Start.
 */
export function prepare(plan: Plan, sink: IntervalSink, options: PrepareOptions = {}): PreparedRun {
  const { workers = 1, onThreadError, health = false, ownThread = false, threadScript } = options;
  if (workers > 1) return prepareThreads(prepareThreadedRun(plan, workers, sink, onThreadError, health, threadScript));
  // Threads run on the real clock and network: a run given a clock or a strategy (a test's) stays here.
  if (ownThread && !options.clock && !options.strategy && hotPlan(plan)) return prepareApart(plan, sink, options);
  return prepareHere(plan, sink, options);
}

/** A run on worker threads, behind the PreparedRun every caller sees. */
function prepareThreads(threaded: ThreadedRun): PreparedRun {
  return {
    ready: threaded.prepared,
    start: () => {
      threaded.start();
      return threaded;
    },
    discard: () => {
      threaded.abort();
      return threaded.exited;
    },
  };
}

/**
 * A hot run on one worker thread of its own; if that thread cannot load (its script missing from a broken
 * install, a crash before it was ready), the run is prepared here instead, as a short one is, rather than
 * starting with no engine at all.
 */
function prepareApart(plan: Plan, sink: IntervalSink, options: PrepareOptions): PreparedRun {
  const { onThreadError, health = false, threadScript } = options;
  const threaded = prepareThreadedRun(plan, 1, sink, onThreadError, health, threadScript);
  let chosen = prepareThreads(threaded);
  let dropped = false;
  let started = false;
  const ready = threaded.prepared.then(() => {
    // Started before it was ready (the caller did not wait): the start went to the thread, and stays there.
    if (dropped || started || threaded.loaded > 0) return;
    chosen = prepareHere(plan, sink, options);
    return chosen.ready;
  });
  return {
    ready,
    start: () => {
      started = true;
      return chosen.start();
    },
    discard: () => {
      dropped = true;
      return chosen.discard();
    },
  };
}

/** The run on this thread. */
function prepareHere(plan: Plan, sink: IntervalSink, options: PrepareOptions): PreparedRun {
  const { health = false, warmUpRequests, clock, strategy } = options;
  const runOptions: RunOptions = { ...(clock ? { clock } : {}), ...(strategy ? { strategy } : {}) };
  const model = engineModel(plan);
  const meter = health ? new ThreadHealth() : undefined;
  // Read once per interval, as the interval closes: nothing on the request path.
  const measured: IntervalSink = meter ? (interval) => sink({ ...interval, health: meter.sample() }) : sink;
  const run = model.create(plan, measured, runOptions);
  // A strategy given by the caller (a test's fake network) has no HTTP path of this process's to warm up. A flow
  // is not warmed up: its requests may change state on the target (a login, an order) and use up unique rows.
  const warm = runOptions.strategy || plan.flow ? undefined : warmUp(plan, model.warmUp, startRun, warmUpRequests);
  const ready = Promise.all([warm, run.prepare(model.preconnect(plan))]).then(() => {});
  return {
    ready,
    start: () => {
      meter?.start();
      run.start();
      run.done.then(() => meter?.stop());
      return run;
    },
    discard: () => {
      meter?.stop();
      run.discard();
      return Promise.resolve();
    },
  };
}
