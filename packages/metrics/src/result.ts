import type { AgentHealth } from './health.js';
import type { LatencySummary } from './summary.js';

/** Version of the result document's layout; bumped only on a breaking change. */
export const RESULT_SCHEMA = 1;

/** One interval of the merged run, as reports and charts read it. */
export interface IntervalSummary {
  /** Seconds since the run started, at the interval's start. */
  t: number;
  durationMs: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** HdrHistogram compressed base64 of this interval's latencies (microseconds, all agents merged). */
  histogram: string;
  /** Open model: requests sent in this interval more than 10 ms after their intended time (absent when 0). */
  late?: number;
  /** Open model: sends due in this interval that never went out (absent when 0). */
  dropped?: number;
  /** Responses with a status >= 400 (absent when 0): failures that are not errors. */
  failed?: number;
}

/** One agent's share of the run. */
export interface AgentSummary {
  id: string;
  name: string;
  host: string;
  requests: number;
  errors: number;
  /** True if the agent disconnected or went silent before it finished. */
  lost: boolean;
  /** Its own percentiles, and its whole histogram (compressed base64) so anyone can check the merge. */
  latency: Pick<LatencySummary, 'count' | 'p50' | 'p90' | 'p99' | 'max' | 'histogram'>;
  /** How loaded the agent itself was (event-loop lag, CPU); absent for agents that did not report it. */
  health?: AgentHealth;
}

/** A threshold as evaluated on the merged result. */
export interface ThresholdResult {
  expr: string;
  actual: number;
  pass: boolean;
  /** Why it failed when no figure could be read: no responses, or a named request the run did not have. */
  reason?: string;
}

/**
 * Counts of requests. total = sum(byStatus) + errors; ok are responses with a 2xx or 3xx status, and in a flow
 * those with another status that the step's status check expected.
 */
export interface RequestCounts {
  total: number;
  ok: number;
  /** Requests that ended without any response (sum of byError). */
  errors: number;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
}

/** One named request of a scenario (or step of a flow): how often it was sent and how it fared. */
export interface EndpointSummary {
  name: string;
  /** Its weight in the scenario; its share of requests should match weight / sum of weights. 0 for flow steps. */
  weight: number;
  requests: RequestCounts;
  latency: LatencySummary;
  /** Flows: each check of the step, in its order (absent for steps without checks). */
  checks?: Array<{ name: string; passed: number; failed: number }>;
}

/** A flow's iterations: those that ended (every step ran, or a failed capture ended it), those begun, durations. */
export interface IterationSummary {
  count: number;
  /** Iterations begun: each took one row of every data set (a `unique` set's rows used). */
  started: number;
  /** Iteration durations, think time included, in ms. */
  duration: LatencySummary;
}

/** The result document (`--format json`, `-o FILE`): stable field names, times in milliseconds. */
export interface Result {
  schema: typeof RESULT_SCHEMA;
  tool: { name: 'volley'; version: string };
  plan: Record<string, unknown>;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** True if the run was stopped early (Ctrl-C, abort, all agents lost): the figures cover what was measured. */
  aborted: boolean;
  requests: RequestCounts;
  /**
   * Requests per second: asked (open model; null when closed), achieved (responses per second, whatever their
   * status: a request that got none is not counted), sends that went out late, and sends due
   * before the end that never went out (absent in results written before volley recorded it).
   */
  throughput: { target: number | null; achieved: number; late: number; dropped?: number };
  latency: LatencySummary;
  serviceTime: LatencySummary | null;
  bytes: { sent: number; received: number };
  agents: AgentSummary[];
  /** Scenario runs: one entry per named request, in the scenario's order; empty otherwise (absent in files from
   * before scenarios). */
  endpoints?: EndpointSummary[];
  /** Flows only: the iterations (absent for runs of fixed requests). */
  iterations?: IterationSummary;
  intervals: IntervalSummary[];
  thresholds: ThresholdResult[];
}
