import type { Plan, PlanBase, PlanInput } from '../plan.js';

/** The fields every model shares, checked, before the model adds its own. */
export type CommonFields = Omit<PlanBase, 'connections'>;

/**
 * A workload model's side of the plan: its own fields validated, its share among agents or threads, and the
 * rate it asks for. One file per model, one line in the registry (k6's executor configs).
 */
export interface PlanModel<P extends Plan> {
  /** Checks the model's own fields (rate, stages, connections) and fills in their defaults. Throws PlanError. */
  resolve(input: PlanInput, common: CommonFields): P;
  /** Most shares the plan can be split into: each needs a connection, and a request when requests are counted. */
  maxShares(plan: P): number;
  /** `n` shares whose counts add up to the plan's exactly; `n` is at most maxShares. */
  split(plan: P, n: number): P[];
  /** Requests per second the plan asks for (the average over its stages); null when it asks for none. */
  askedRate(plan: P): number | null;
}
