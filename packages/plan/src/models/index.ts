import type { Plan, WorkloadModel } from '../plan.js';
import { closedPlan } from './closed.js';
import type { PlanModel } from './model.js';
import { openPlan } from './open.js';

export type { CommonFields, PlanModel } from './model.js';

/** Every workload model's plan side, by name: adding a model is one file and one line here. */
export const PLAN_MODELS: { [M in WorkloadModel]: PlanModel<Extract<Plan, { model: M }>> } = {
  closed: closedPlan,
  open: openPlan,
};

/** The model names, in the registry's order. */
export const WORKLOAD_MODELS = Object.keys(PLAN_MODELS) as WorkloadModel[];

/** The plan side of a plan's own model. */
export function modelOf<P extends Plan>(plan: P): PlanModel<P> {
  return PLAN_MODELS[plan.model] as unknown as PlanModel<P>;
}
