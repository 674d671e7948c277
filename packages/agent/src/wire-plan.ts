import { type ClientName, type Plan, type PlanInput, resolvePlan } from '@volley/engine';
import type { IntervalData } from '@volley/metrics';
import { type PlanFields, WireClient, type WirePlan } from '@volley/protocol';

const TO_WIRE: Record<ClientName, number> = {
  pooled: WireClient.CLIENT_STRATEGY_POOLED,
  'per-request': WireClient.CLIENT_STRATEGY_PER_REQUEST,
};

/** A plan as the controller sends it (without the run id, which the controller adds). */
export function planToWire(plan: Plan): PlanFields {
  return {
    url: plan.url,
    method: plan.method,
    headers: plan.headers.map(([name, value]) => ({ name, value })),
    body: plan.body ?? new Uint8Array(0),
    connections: plan.connections,
    durationMs: plan.durationMs,
    requests: plan.requests,
    client: TO_WIRE[plan.client],
    timeoutMs: plan.timeoutMs,
    intervalMs: plan.intervalMs,
    open: plan.model === 'open',
    rate: plan.rate,
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
  };
}

/** A plan as the agent received it, validated again: the agent trusts nothing it did not check. */
export function planFromWire(wire: WirePlan): Plan {
  const client: ClientName = wire.client === WireClient.CLIENT_STRATEGY_PER_REQUEST ? 'per-request' : 'pooled';
  const input: PlanInput = {
    url: wire.url,
    method: wire.method,
    headers: wire.headers.map((h) => [h.name ?? '', h.value ?? '']),
    body: wire.body.byteLength > 0 ? wire.body : null,
    connections: wire.connections,
    client,
    timeoutMs: wire.timeoutMs,
    intervalMs: wire.intervalMs,
    model: wire.open ? 'open' : 'closed',
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
  };
  if (wire.stages.length > 0) {
    input.stages = wire.stages.map((s) => ({ durationMs: s.durationMs ?? 0, target: s.target ?? 0 }));
    // Connection stages decide the loops themselves; the count on the wire is their maximum.
    if (!wire.open) delete input.connections;
  } else if (wire.requests > 0) input.requests = wire.requests;
  else input.durationMs = wire.durationMs;
  return resolvePlan(input);
}

/** An interval as it goes on the wire. */
export function intervalToWire(runId: string, data: IntervalData) {
  return {
    runId,
    seq: data.seq,
    startMs: data.startMs,
    endMs: data.endMs,
    histogram: data.histogram,
    statuses: Object.entries(data.byStatus).map(([status, count]) => ({ status: Number(status), count })),
    errors: Object.entries(data.byError).map(([kind, count]) => ({ kind, count })),
    bytesSent: data.bytesSent,
    bytesReceived: data.bytesReceived,
    serviceHistogram: data.serviceHistogram ?? new Uint8Array(0),
    late: data.late ?? 0,
    dropped: data.dropped ?? 0,
    endpoints: (data.endpoints ?? []).map((e) => ({
      name: e.name,
      histogram: e.histogram,
      statuses: Object.entries(e.byStatus).map(([status, count]) => ({ status: Number(status), count })),
      errors: Object.entries(e.byError).map(([kind, count]) => ({ kind, count })),
    })),
  };
}
