import { PlanError, positiveInteger } from '../errors.js';
import { type ClosedPlan, DEFAULT_CONNECTIONS, MAX_CONNECTIONS } from '../plan.js';
import { shares } from '../shares.js';
import { checkStages, oneEach, runLength } from './limits.js';
import type { PlanModel } from './model.js';

/** The closed model: loops; its stages ramp whole connections from 0. */
export const closedPlan = {
  resolve(input, common) {
    if ((input.rate ?? 0) !== 0) throw new PlanError('CONFLICTING_LIMITS', 'a rate needs the open model');
    const stages = checkStages(input, MAX_CONNECTIONS);
    if (stages.some((s) => !Number.isInteger(s.target))) {
      throw new PlanError('INVALID_STAGES', 'connection stages need whole numbers of connections');
    }
    if (stages.length > 0 && input.connections !== undefined) {
      throw new PlanError('CONFLICTING_LIMITS', 'connection stages set the connections: give no connection count');
    }
    // With stages, the loops are as many as the highest target; the ramp decides how many are busy.
    const connections =
      stages.length > 0 ? Math.max(1, ...stages.map((s) => s.target)) : (input.connections ?? DEFAULT_CONNECTIONS);
    return {
      ...common,
      ...runLength(input, stages),
      model: 'closed',
      connections: positiveInteger('connections', connections, MAX_CONNECTIONS),
      stages,
    };
  },

  maxShares: oneEach,

  split(plan, n) {
    const connections = shares(plan.connections, n);
    const requests = shares(plan.requests, n);
    const stageShares = plan.stages.map((s) => shares(s.target, n));
    return connections.map((c, i) => {
      const reqs = requests[i] ?? 0;
      const stages = plan.stages.map((s, k) => ({ durationMs: s.durationMs, target: stageShares[k]?.[i] ?? 0 }));
      return {
        ...plan,
        // A share never gets more loops than requests (an idle loop would only hold a connection open), and
        // under stages as many as its highest target.
        connections: stages.length > 0 ? Math.max(1, ...stages.map((s) => s.target)) : reqs > 0 ? Math.min(c, reqs) : c,
        requests: reqs,
        stages,
      };
    });
  },

  askedRate() {
    return null;
  },
} satisfies PlanModel<ClosedPlan>;
