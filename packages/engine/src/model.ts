import type { Plan, PlanInput } from '@volley/plan';
import type { IntervalSink, ModelRun, RunOptions } from './model-run.js';

/**
 * A workload model's side of the engine, registered by name in run.ts (k6's executors): how to make a run of it,
 * how many connections to open before the Start, and what the warm-up changes so this model's path gets hot.
 */
export interface EngineModel<P extends Plan> {
  create(plan: P, sink: IntervalSink, options?: RunOptions): ModelRun<P>;
  /** Connections to open ahead of the Start: 0 when a ramp opens them as it goes. */
  preconnect(plan: P): number;
  /**
   * The warm-up's runs, in order, each what it sets on top of the plan's request (its model, method, headers and
   * body). The first sends the warm-up's request count; the others run only in the full warm-up, for as long as
   * they say, so that every path this model's real runs take is hot before the Start (warm-up.ts).
   */
  warmUp: readonly [Partial<PlanInput>, ...Partial<PlanInput>[]];
}
