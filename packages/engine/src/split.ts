import type { Plan } from './plan.js';

/** Divides `total` into `n` whole shares that add up to it exactly; the first `total % n` get one more. */
export function shares(total: number, n: number): number[] {
  const base = Math.floor(total / n);
  const extra = total % n;
  return Array.from({ length: n }, (_, i) => base + (i < extra ? 1 : 0));
}

/** How many threads a plan can use: never more than it has connections (or requests, when it counts them). */
export function usableWorkers(plan: Plan, wanted: number): number {
  let n = Math.max(1, Math.floor(wanted));
  const closedStages = plan.model === 'closed' && plan.stages.length > 0;
  if (!closedStages) n = Math.min(n, plan.connections);
  if (plan.requests > 0) n = Math.min(n, plan.requests);
  return n;
}

/**
 * A plan's share for each of `n` threads of one agent, by the controller's rules for agents: connections and
 * request counts in whole shares that add up exactly, a rate and rate stages divided evenly, connection stages
 * in whole shares of each target; the duration and everything else are the same for all. `n` must come from
 * usableWorkers, so every share has at least one connection (and one request when the plan counts them).
 */
export function splitPlan(plan: Plan, n: number): Plan[] {
  const connections = shares(plan.connections, n);
  const requests = shares(plan.requests, n);
  const closedStages = plan.model === 'closed' && plan.stages.length > 0;
  const stageShares = closedStages ? plan.stages.map((s) => shares(s.target, n)) : [];
  return connections.map((c, i) => {
    const stages = plan.stages.map((s, k) => ({
      durationMs: s.durationMs,
      target: closedStages ? (stageShares[k]?.[i] ?? 0) : s.target / n,
    }));
    const reqs = requests[i] ?? 0;
    return {
      ...plan,
      connections: closedStages
        ? Math.max(1, ...stages.map((s) => s.target))
        : plan.requests > 0 && plan.model === 'closed'
          ? Math.max(1, Math.min(c, reqs))
          : Math.max(1, c),
      requests: reqs,
      rate: plan.rate / n,
      stages,
    };
  });
}
