import type { Check, DataSet, Flow } from './flow/flow.js';
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

/** A flow step as the result shows it: templates as written (never a value filled in), secrets masked. */
export interface StepSection {
  name: string;
  method: string;
  /** Origin and path, the path as its template reads. */
  url: string;
  headers: Array<[string, string]>;
  bodyBytes: number;
  checks: string[];
  captures: string[];
  think: { minMs: number; maxMs: number } | null;
  weight?: number;
}

/** A flow as the result shows it: its data sets by size and columns, never their rows (they may hold secrets). */
export interface FlowSection {
  pick: Flow['pick'];
  cookies: boolean;
  steps: StepSection[];
  data: Array<{ name: string; order: DataSet['order']; columns: string[]; rows: number }>;
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
  flow?: FlowSection;
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
    ...(plan.flow ? { flow: describeFlow(plan.flow, plan.redact) } : {}),
  };
}

function describeFlow(flow: Flow, redact: readonly string[]): FlowSection {
  const checkName = (c: Check) =>
    c.type === 'status'
      ? 'status'
      : c.type === 'body'
        ? 'body_contains'
        : c.type === 'json'
          ? `json ${c.path}`
          : `header ${c.name}`;
  return {
    pick: flow.pick,
    cookies: flow.cookies,
    steps: flow.steps.map((s) => ({
      name: s.name,
      method: s.method,
      url: `${s.origin}${s.path}`,
      headers: redactHeaders(s.headers, redact),
      bodyBytes: s.body === null ? 0 : new TextEncoder().encode(s.body).byteLength,
      checks: s.checks.map(checkName),
      captures: s.captures.map((c) => c.name),
      think: s.think,
      ...(flow.pick === 'weighted' ? { weight: s.weight } : {}),
    })),
    data: flow.data.map((d) => ({ name: d.name, order: d.order, columns: d.columns, rows: d.rows.length })),
  };
}

/** Each named request's weight, by name; a flow's steps have one only when picked by weight (0 in sequence). */
export function requestWeights(plan: Plan): Map<string, number> {
  const { flow } = plan;
  if (flow) return new Map(flow.steps.map((s) => [s.name, flow.pick === 'weighted' ? s.weight : 0]));
  return new Map(plan.endpoints.map((e) => [e.name, e.weight]));
}
