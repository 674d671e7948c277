import { ClosedModelRun } from './closed-model.js';
import type { IntervalSink, ModelRun, RunHandle } from './model-run.js';
import { OpenModelRun } from './open-model.js';
import type { Plan, WorkloadModel } from './plan.js';

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
