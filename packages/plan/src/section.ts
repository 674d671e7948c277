import { redactHeaders } from './headers.js';
import type { ClientName, Plan, Stage, WorkloadModel } from './plan.js';

/** A scenario request as the result shows it: its body by size, not content. */
export interface EndpointSection {
  name: string;
  method: string;
  path: string;
  headers: Array<[string, string]>;
  bodyBytes: number;
  weight: number;
}

/** The result document's `plan`: the plan as run, JSON-friendly, defaults filled in. Field names are stable. */
export interface PlanSection {
  url: string;
  method: string;
  headers: Array<[string, string]>;
  body: string | null;
  connections: number;
  durationMs: number;
  requests: number;
  client: ClientName;
  timeoutMs: number;
  intervalMs: number;
  model: WorkloadModel;
  /** Requests per second asked for; 0 in the closed model. */
  rate: number;
  stages: Stage[];
  pipelining: number;
  http2: boolean;
  insecure: boolean;
  endpoints?: EndpointSection[];
}

/**
 * The plan as the result document shows it. Every result and report is made from this section, so this is where
 * secrets are masked: the values of the headers `plan.redact` names (the plan itself keeps them for the agents).
 */
export function describePlan(plan: Plan): PlanSection {
  return {
    url: plan.url,
    method: plan.method,
    headers: redactHeaders(plan.headers, plan.redact),
    body: plan.body ? new TextDecoder().decode(plan.body) : null,
    connections: plan.connections,
    durationMs: plan.durationMs,
    requests: plan.requests,
    client: plan.client,
    timeoutMs: plan.timeoutMs,
    intervalMs: plan.intervalMs,
    model: plan.model,
    rate: plan.model === 'open' ? plan.rate : 0,
    stages: plan.stages,
    pipelining: plan.pipelining,
    http2: plan.http2,
    insecure: plan.insecure,
    ...(plan.endpoints.length > 0
      ? {
          endpoints: plan.endpoints.map((e) => ({
            name: e.name,
            method: e.method,
            path: e.path,
            headers: redactHeaders(e.headers, plan.redact),
            bodyBytes: e.body?.byteLength ?? 0,
            weight: e.weight,
          })),
        }
      : {}),
  };
}
