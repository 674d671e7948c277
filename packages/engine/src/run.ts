import { ClosedModelRun } from './closed-model.js';
import type { IntervalSink, ModelRun, RunHandle } from './model-run.js';
import { OpenModelRun } from './open-model.js';
import type { Plan, WorkloadModel } from './plan.js';
import { warmUp } from './warm-up.js';

export type { IntervalSink, RunHandle, RunStats } from './model-run.js';

/** Workload models by name; each is one file implementing ModelRun. */
const MODELS = {
  closed: (plan, sink) => new ClosedModelRun(plan, sink),
  open: (plan, sink) => new OpenModelRun(plan, sink),
} satisfies Record<WorkloadModel, (plan: Plan, sink: IntervalSink) => ModelRun>;

/** Starts a run of the plan now; intervals go to `sink` as they close. */
export function startRun(plan: Plan, sink: IntervalSink): RunHandle {
  const run = MODELS[plan.model](plan, sink);
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
export function prepareRun(plan: Plan, sink: IntervalSink): PreparedRun {
  const run = MODELS[plan.model](plan, sink);
  const ready = Promise.all([warmUp(plan, startRun), run.prepare()]).then(() => {});
  return {
    ready,
    start: () => {
      run.start();
      return run;
    },
    discard: () => run.discard(),
  };
}
