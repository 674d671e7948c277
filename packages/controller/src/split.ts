import { shares } from '@volley/engine';
import type { PlanFields } from '@volley/protocol';

/** A plan that cannot be shared among the agents. */
export class SplitError extends Error {
  readonly code = 'UNSPLITTABLE_PLAN';
}

// One rule for dividing whole numbers, among agents here and among threads in the engine.
export { shares } from '@volley/engine';

/**
 * Gives each of `n` agents its share of the plan: connections and request counts are divided so the totals equal
 * the plan exactly (remainders spread, never lost or doubled); a duration is the same for everyone.
 */
export function splitPlan(plan: PlanFields, n: number): PlanFields[] {
  const connections = plan.connections ?? 0;
  const requests = plan.requests ?? 0;
  if (connections < n) {
    throw new SplitError(`${n} agents need at least ${n} connections, the plan has ${connections}`);
  }
  if (requests > 0 && requests < n) {
    throw new SplitError(`${n} agents need at least ${n} requests, the plan has ${requests}`);
  }
  const c = shares(connections, n);
  const r = shares(requests, n);
  const stages = plan.stages ?? [];
  // Connection stages are whole connections, shared like the count; rates divide evenly (they need not be whole).
  const stageShares = stages.map((s) => (plan.open ? [] : shares(s.target ?? 0, n)));
  return c.map((conns, i) => {
    const reqs = r[i] ?? 0;
    return {
      ...plan,
      // An agent never gets more loops than requests: an idle loop would only hold a connection open.
      connections: requests > 0 && !plan.open ? Math.min(conns, reqs) : conns,
      requests: reqs,
      rate: (plan.rate ?? 0) / n,
      stages: stages.map((s, k) => ({
        durationMs: s.durationMs ?? 0,
        target: plan.open ? (s.target ?? 0) / n : (stageShares[k]?.[i] ?? 0),
      })),
    };
  });
}
