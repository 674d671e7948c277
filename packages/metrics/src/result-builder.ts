import type { Merged } from './aggregate.js';
import { RESULT_SCHEMA, type Result } from './result.js';

/** What the merged figures do not know about a run: who ran what, when, and how it ended. */
export interface RunFacts {
  toolVersion: string;
  /** The result's `plan` section, as the plan package describes it. */
  plan: Record<string, unknown>;
  /** Wall-clock start and end (ms since the epoch). */
  startedAt: number;
  endedAt: number;
  /** The longest run an agent measured (ms); 0 when none reported one, and the wall clock is used instead. */
  measuredMs: number;
  aborted: boolean;
  /** The asked rate (req/s), or null in the closed model. */
  targetRate: number | null;
  /** Each scenario request's weight, by name. */
  weights: ReadonlyMap<string, number>;
}

/** The result document from the merged figures and the run's facts: the one place its shape is filled in. */
export function buildResult(merged: Merged, facts: RunFacts): Result {
  const durationMs = facts.measuredMs > 0 ? facts.measuredMs : Math.max(0, facts.endedAt - facts.startedAt);
  const responses = merged.requests.total - merged.requests.errors;
  return {
    schema: RESULT_SCHEMA,
    tool: { name: 'volley', version: facts.toolVersion },
    plan: facts.plan,
    startedAt: new Date(facts.startedAt).toISOString(),
    endedAt: new Date(facts.endedAt).toISOString(),
    durationMs: Math.round(durationMs * 1000) / 1000,
    aborted: facts.aborted,
    requests: merged.requests,
    throughput: {
      target: facts.targetRate,
      // Responses per second (a 503 is one; a refused connection is not): failures without one are not throughput.
      achieved: durationMs > 0 ? Math.round((responses * 1000 * 10) / durationMs) / 10 : 0,
      late: merged.late,
      dropped: merged.dropped,
    },
    latency: merged.latency,
    serviceTime: merged.serviceTime,
    bytes: merged.bytes,
    agents: merged.agents,
    endpoints: merged.endpoints.map((e) => ({
      name: e.name,
      weight: facts.weights.get(e.name) ?? 0,
      requests: e.requests,
      latency: e.latency,
      ...(e.checks ? { checks: e.checks } : {}),
    })),
    ...(merged.iterations ? { iterations: merged.iterations } : {}),
    intervals: merged.intervals,
    thresholds: [],
  };
}
