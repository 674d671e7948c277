import { countMap, type IntervalData } from '@volley/metrics';
import { type ClientName, type Plan, PlanError, type PlanInput, resolvePlan, type WorkloadModel } from '@volley/plan';
import { volley } from '../gen/volley.js';
import { healthFromWire, healthToWire } from './health-wire.js';
import { flowFromWire, flowToWire } from './wire-flow.js';

const { ClientStrategy, WorkloadModel: WireModel } = volley.v1;

// Every conversion between the Plan and Interval and their wire forms lives here, each way side by side, so a
// field added to one side is visibly missing from the other.

const CLIENT_TO_WIRE: Record<ClientName, number> = {
  pooled: ClientStrategy.CLIENT_STRATEGY_POOLED,
  'per-request': ClientStrategy.CLIENT_STRATEGY_PER_REQUEST,
};
const MODEL_TO_WIRE: Record<WorkloadModel, number> = {
  closed: WireModel.WORKLOAD_MODEL_CLOSED,
  open: WireModel.WORKLOAD_MODEL_OPEN,
};
const CLIENT_FROM_WIRE = inverse(CLIENT_TO_WIRE);
const MODEL_FROM_WIRE = inverse(MODEL_TO_WIRE);

/** A plan as the controller sends it (the run id added). */
export function planToWire(plan: Plan, runId: string): volley.v1.Plan.$Properties {
  return {
    runId,
    url: plan.url,
    method: plan.method,
    headers: plan.headers.map(([name, value]) => ({ name, value })),
    body: plan.body ?? new Uint8Array(0),
    connections: plan.connections,
    durationMs: plan.durationMs,
    requests: plan.requests,
    client: CLIENT_TO_WIRE[plan.client],
    timeoutMs: plan.timeoutMs,
    intervalMs: plan.intervalMs,
    model: MODEL_TO_WIRE[plan.model],
    rate: plan.model === 'open' ? plan.rate : 0,
    stages: plan.stages.map((s) => ({ durationMs: s.durationMs, target: s.target })),
    pipelining: plan.pipelining,
    http2: plan.http2,
    insecure: plan.insecure,
    endpoints: plan.endpoints.map((e) => ({
      name: e.name,
      method: e.method,
      path: e.path,
      headers: e.headers.map(([name, value]) => ({ name, value })),
      body: e.body ?? new Uint8Array(0),
      weight: e.weight,
    })),
    ...(plan.flow ? { flow: flowToWire(plan.flow) } : {}),
  };
}

/**
 * A plan as the agent received it, validated again as any input is: the agent trusts nothing it did not check.
 * An unknown model or client strategy is refused, never read as a default. Throws PlanError.
 */
export function planFromWire(wire: volley.v1.Plan): Plan {
  const model = MODEL_FROM_WIRE.get(wire.model);
  if (!model) throw new PlanError('INVALID_MODEL', `unknown workload model ${wire.model} on the wire`);
  const client = CLIENT_FROM_WIRE.get(wire.client);
  if (!client) throw new PlanError('INVALID_CLIENT', `unknown client strategy ${wire.client} on the wire`);
  const input: PlanInput = {
    url: wire.url,
    method: wire.method,
    headers: wire.headers.map((h) => [h.name ?? '', h.value ?? '']),
    body: wire.body.byteLength > 0 ? wire.body : null,
    connections: wire.connections,
    client,
    timeoutMs: wire.timeoutMs,
    intervalMs: wire.intervalMs,
    model,
    rate: wire.rate,
    pipelining: wire.pipelining || 1,
    http2: wire.http2,
    insecure: wire.insecure,
    endpoints: wire.endpoints.map((e) => ({
      name: e.name ?? '',
      method: e.method ?? '',
      path: e.path ?? '',
      headers: (e.headers ?? []).map((h) => [h.name ?? '', h.value ?? ''] as [string, string]),
      body: e.body && e.body.byteLength > 0 ? e.body : null,
      weight: e.weight ?? 0,
    })),
    ...(wire.flow ? { flow: flowFromWire(wire.flow as volley.v1.Flow) } : {}),
  };
  if (wire.stages.length > 0) {
    input.stages = wire.stages.map((s) => ({ durationMs: s.durationMs ?? 0, target: s.target ?? 0 }));
    // Connection stages decide the loops themselves; the count on the wire is their maximum.
    if (model === 'closed') delete input.connections;
  } else if (wire.requests > 0) input.requests = wire.requests;
  else input.durationMs = wire.durationMs;
  return resolvePlan(input);
}

/** An interval as it goes on the wire. */
export function intervalToWire(runId: string, data: IntervalData): volley.v1.Interval.$Properties {
  return {
    runId,
    seq: data.seq,
    startMs: data.startMs,
    endMs: data.endMs,
    histogram: data.histogram,
    ...countsToWire(data.byStatus, data.byError),
    classBuckets: data.classBuckets ?? [],
    bytesSent: data.bytesSent,
    bytesReceived: data.bytesReceived,
    serviceHistogram: data.serviceHistogram ?? new Uint8Array(0),
    late: data.late ?? 0,
    dropped: data.dropped ?? 0,
    ...(data.health ? { health: healthToWire(data.health) } : {}),
    endpoints: (data.endpoints ?? []).map((e) => ({
      name: e.name,
      histogram: e.histogram,
      ...countsToWire(e.byStatus, e.byError),
      classBuckets: e.classBuckets ?? [],
      checks: e.checks ?? [],
      expected: e.expected ?? 0,
    })),
    iterations: data.iterations ?? 0,
    iterationHistogram: data.iterationHistogram ?? new Uint8Array(0),
    iterationsStarted: data.iterationsStarted ?? 0,
    expected: data.expected ?? 0,
  };
}

/** How many error kinds one interval may name: an engine classifies into about ten. */
export const MAX_ERROR_KINDS = 64;
/** An error kind is a short printable name (`ECONNREFUSED`, `timeout`, ...): no spaces, controls or escapes. */
const ERROR_KIND = /^[\x21-\x7e]{1,64}$/;

/** An interval no engine could have sent (a status or an error kind out of bounds); `reason` says which. */
export class BadIntervalError extends Error {
  readonly code = 'BAD_INTERVAL';
  constructor(readonly reason: string) {
    super(`bad interval: ${reason}`);
    this.name = 'BadIntervalError';
  }
}

/**
 * An interval as it came off the wire, in the form the merger takes. Statuses (three digits, as undici delivers
 * them) and error kinds are checked here and throw BadIntervalError; histograms, counts, seqs and times are
 * checked by the merger.
 */
export function intervalFromWire(wire: volley.v1.Interval): IntervalData {
  const health = healthFromWire(wire.health);
  if ('bad' in health) throw new BadIntervalError(health.bad);
  return {
    seq: wire.seq,
    startMs: wire.startMs,
    endMs: wire.endMs,
    histogram: wire.histogram,
    ...countsFromWire(wire.statuses, wire.errors),
    ...classesFromWire(wire.classBuckets),
    bytesSent: wire.bytesSent,
    bytesReceived: wire.bytesReceived,
    serviceHistogram: wire.serviceHistogram.byteLength > 0 ? wire.serviceHistogram : undefined,
    late: wire.late,
    dropped: wire.dropped,
    ...(health.health ? { health: health.health } : {}),
    endpoints:
      wire.endpoints.length > 0
        ? wire.endpoints.map((e) => ({
            name: e.name ?? '',
            histogram: e.histogram ?? new Uint8Array(0),
            ...countsFromWire(e.statuses ?? [], e.errors ?? []),
            ...classesFromWire(e.classBuckets ?? []),
            ...(e.checks && e.checks.length > 0 ? { checks: checksFromWire(e.checks) } : {}),
            ...(e.expected ? { expected: e.expected } : {}),
          }))
        : undefined,
    ...(wire.iterationHistogram.byteLength > 0
      ? {
          iterations: wire.iterations,
          iterationHistogram: wire.iterationHistogram,
          iterationsStarted: wire.iterationsStarted,
          expected: wire.expected,
        }
      : {}),
  };
}

/** More buckets than any layout of the Prometheus histogram has: what a class may carry before the merger counts. */
const MAX_CLASS_BUCKETS = 64;

/**
 * Class buckets, each of a class 1 to 9 (a status's first digit), none twice, with a bounded number of counts;
 * whether they agree with the statuses (their number, their sum) is the merger's check, as for histograms.
 */
function classesFromWire(
  classes: Array<{ statusClass?: number | null; counts?: number[] | null; sumUs?: number | null }>,
) {
  if (classes.length === 0) return {};
  let seen = 0;
  const out = classes.map((c) => {
    const statusClass = c.statusClass ?? 0;
    if (!Number.isInteger(statusClass) || statusClass < 1 || statusClass > 9 || seen & (1 << statusClass)) {
      throw new BadIntervalError(`status class ${statusClass} is not a class 1 to 9, or comes twice`);
    }
    seen |= 1 << statusClass;
    const counts = c.counts ?? [];
    if (counts.length > MAX_CLASS_BUCKETS) throw new BadIntervalError(`more than ${MAX_CLASS_BUCKETS} buckets`);
    return { statusClass, counts: [...counts], sumUs: c.sumUs ?? 0 };
  });
  return { classBuckets: out };
}

/** A step has at most MAX_CHECKS checks; their names are short printable text. */
const MAX_CHECKS_ON_WIRE = 32;

function checksFromWire(checks: Array<{ name?: string | null; passed?: number | null; failed?: number | null }>) {
  if (checks.length > MAX_CHECKS_ON_WIRE)
    throw new BadIntervalError(`more than ${MAX_CHECKS_ON_WIRE} checks on a step`);
  return checks.map((c) => {
    const name = c.name ?? '';
    if (name.length === 0 || name.length > 256) throw new BadIntervalError('a check without a short name');
    return { name, passed: c.passed ?? 0, failed: c.failed ?? 0 };
  });
}

function countsToWire(byStatus: Record<string, number>, byError: Record<string, number>) {
  return {
    statuses: Object.entries(byStatus).map(([status, count]) => ({ status: Number(status), count })),
    errors: Object.entries(byError).map(([kind, count]) => ({ kind, count })),
  };
}

function countsFromWire(
  statuses: Array<{ status?: number | null; count?: number | null }>,
  errors: Array<{ kind?: string | null; count?: number | null }>,
) {
  // Maps without a prototype, so that no key from the wire (`__proto__`, `constructor`) is special.
  const byStatus = countMap();
  for (const s of statuses) {
    const status = s.status ?? 0;
    if (!Number.isInteger(status) || status < 100 || status > 999) {
      throw new BadIntervalError(`status ${status} is not a three-digit HTTP status`);
    }
    const key = String(status);
    byStatus[key] = (byStatus[key] ?? 0) + (s.count ?? 0);
  }
  const byError = countMap();
  let kinds = 0;
  for (const e of errors) {
    const key = e.kind || 'other';
    if (!ERROR_KIND.test(key)) throw new BadIntervalError(`error kind ${JSON.stringify(key)} is not a short name`);
    if (byError[key] === undefined && ++kinds > MAX_ERROR_KINDS) {
      throw new BadIntervalError(`more than ${MAX_ERROR_KINDS} error kinds`);
    }
    byError[key] = (byError[key] ?? 0) + (e.count ?? 0);
  }
  return { byStatus, byError };
}

function inverse<K extends string>(map: Record<K, number>): Map<number, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as number, k as K]));
}
