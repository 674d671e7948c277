import { nonNegative, PlanError, positiveInteger } from '../errors.js';
import { DEFAULT_OPEN_CONNECTIONS, MAX_CONNECTIONS, MAX_RATE, type OpenPlan } from '../plan.js';
import { shares } from '../shares.js';
import { checkStages, oneEach, runLength } from './limits.js';
import type { PlanModel } from './model.js';

/** The open model: a rate, ramped linearly by its stages; `connections` caps the sockets. */
export const openPlan = {
  resolve(input, common) {
    const rate = nonNegative('rate', input.rate ?? 0, MAX_RATE);
    const stages = checkStages(input, MAX_RATE);
    if (stages.length === 0 && rate === 0) throw new PlanError('INVALID_NUMBER', 'the open model needs a rate above 0');
    return {
      ...common,
      ...runLength(input, stages),
      model: 'open',
      connections: positiveInteger('connections', input.connections ?? DEFAULT_OPEN_CONNECTIONS, MAX_CONNECTIONS),
      rate,
      stages,
    };
  },

  maxShares: oneEach,

  split(plan, n) {
    const connections = shares(plan.connections, n);
    const requests = shares(plan.requests, n);
    // Rates need not be whole: they divide evenly.
    return connections.map((c, i) => ({
      ...plan,
      connections: c,
      requests: requests[i] ?? 0,
      rate: plan.rate / n,
      stages: plan.stages.map((s) => ({ durationMs: s.durationMs, target: s.target / n })),
    }));
  },

  askedRate(plan) {
    if (plan.stages.length === 0) return plan.rate;
    let from = plan.rate;
    let requests = 0;
    let ms = 0;
    for (const s of plan.stages) {
      requests += ((from + s.target) / 2) * (s.durationMs / 1000);
      ms += s.durationMs;
      from = s.target;
    }
    return ms > 0 ? Math.round((requests * 1000 * 10) / ms) / 10 : 0;
  },
} satisfies PlanModel<OpenPlan>;
