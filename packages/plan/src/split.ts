import { PlanError } from './errors.js';
import { flowMaxShares, splitFlow } from './flow/resolve-flow.js';
import { modelOf } from './models/index.js';
import type { Plan } from './plan.js';

/** Most shares a plan can be split into (each with a connection, and a request when it counts them). */
export function maxShares(plan: Plan): number {
  return Math.min(modelOf(plan).maxShares(plan), flowMaxShares(plan.flow));
}

/**
 * The one splitter, for agents and threads alike: `n` shares whose connections, request counts, connection
 * stages (whole numbers, remainders spread, never lost or doubled) and rates (divided evenly) add up to the
 * plan's exactly; the duration and everything else are the same for all. `what` names the shares in the error
 * when the plan has too little to give each one its part ("3 agents").
 */
export function splitPlan<P extends Plan>(plan: P, n: number, what = `${n} shares`): P[] {
  const max = maxShares(plan);
  if (Number.isInteger(n) && n > max && max === flowMaxShares(plan.flow)) {
    throw new PlanError(
      'UNSPLITTABLE_PLAN',
      `${what} need at least ${n} rows of each unique data set, the plan has ${max}`,
    );
  }
  if (!Number.isInteger(n) || n < 1 || n > max) {
    const counted = plan.requests > 0 && plan.requests < plan.connections;
    const has = counted ? `${plan.requests} requests` : `${plan.connections} connections`;
    throw new PlanError(
      'UNSPLITTABLE_PLAN',
      `${what} need at least ${n} ${counted ? 'requests' : 'connections'}, the plan has ${has}`,
    );
  }
  const parts = modelOf(plan).split(plan, n);
  const { flow } = plan;
  if (!flow) return parts;
  const flows = splitFlow(
    flow,
    parts.map((p) => p.connections),
  );
  return parts.map((p, i) => ({ ...p, flow: flows[i] ?? flow }));
}

/** How many threads a plan can use: what is wanted (at least 1), never more than it has shares to give. */
export function usableShares(plan: Plan, wanted: number): number {
  return Math.min(Math.max(1, Math.floor(wanted)), maxShares(plan));
}

/**
 * The rate a plan asks for, in requests per second (the average over its stages); null in the closed model. A
 * flow in sequence asks for its iteration rate times its steps.
 */
export function askedRate(plan: Plan): number | null {
  const rate = modelOf(plan).askedRate(plan);
  // A flow's rate is of iterations; each sends every step once (one step when picked by weight).
  if (rate === null || plan.flow?.pick !== 'sequence') return rate;
  return Math.round(rate * plan.flow.steps.length * 10) / 10;
}
