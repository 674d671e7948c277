import { ClosedModelRun } from './closed-model.js';
import type { IntervalSink, ModelRun, RunHandle, RunOptions } from './model-run.js';
import { OpenModelRun } from './open-model.js';
import type { Plan, WorkloadModel } from './plan.js';
import { warmUp } from './warm-up.js';

export type { IntervalSink, RunHandle, RunOptions, RunStats } from './model-run.js';

/** Workload models by name; each is one file implementing ModelRun. */
const MODELS = {
  closed: (plan, sink, options) => new ClosedModelRun(plan, sink, options),
  open: (plan, sink, options) => new OpenModelRun(plan, sink, options),
} satisfies Record<WorkloadModel, (plan: Plan, sink: IntervalSink, options?: RunOptions) => ModelRun>;

/** Starts a run of the plan now; intervals go to `sink` as they close. */
export function startRun(plan: Plan, sink: IntervalSink, options?: RunOptions): RunHandle {
  const run = MODELS[plan.model](plan, sink, options);
  run.start();
  return run;
}

/** A run made ready ahead of its start (see `prepareRun`). */
export interface PreparedRun {
  /** Resolves when the warm-up is done and the connections are open (or failed to open); never rejects. */
  readonly ready: Promise<void>;
  /** Starts now, with whatever is ready. Once. */
  start(): RunHandle;
  /** Drops a run that will not start: closes what it opened. */
  discard(): void;
}

/**
 * Gets a run ready without starting it: this process's HTTP path is warmed up and the connections are opened, so
 * the run's first second measures the server, not the generator's cold start. An agent prepares when the Plan
 * arrives and starts on the Start; the start barrier in between leaves time for it.
 */
export function prepareRun(plan: Plan, sink: IntervalSink, options?: RunOptions): PreparedRun {
  const run = MODELS[plan.model](plan, sink, options);
  // A strategy given by the caller (a test's fake network) has no HTTP path of this process's to warm up.
  const warm = options?.strategy ? undefined : warmUp(plan, startRun);
  const ready = Promise.all([warm, run.prepare()]).then(() => {});
  return {
    ready,
    start: () => {
      run.start();
      return run;
    },
    discard: () => run.discard(),
  };
}
