import type { Capture, CaptureSource, Check, DataOrder, Flow, FlowPick, FlowStep } from '@volley/plan';
import { PlanError } from '@volley/plan';
import { volley } from '../gen/volley.js';

// A flow to and from the wire, each way side by side (wire.ts does the rest of the plan). What comes off the
// wire is only reshaped here: resolvePlan checks it whole, as it checks a flow from a scenario file.

const { FlowPick: WirePick, DataOrder: WireOrder, CaptureSource: WireSource } = volley.v1;

const PICK_TO_WIRE: Record<FlowPick, number> = {
  sequence: WirePick.FLOW_PICK_SEQUENCE,
  weighted: WirePick.FLOW_PICK_WEIGHTED,
};
const ORDER_TO_WIRE: Record<DataOrder, number> = {
  unique: WireOrder.DATA_ORDER_UNIQUE,
  sequential: WireOrder.DATA_ORDER_SEQUENTIAL,
  random: WireOrder.DATA_ORDER_RANDOM,
};
const SOURCE_TO_WIRE: Record<CaptureSource, number> = {
  json: WireSource.CAPTURE_SOURCE_JSON,
  header: WireSource.CAPTURE_SOURCE_HEADER,
  regex: WireSource.CAPTURE_SOURCE_REGEX,
};

export function flowToWire(flow: Flow): volley.v1.Flow.$Properties {
  return {
    pick: PICK_TO_WIRE[flow.pick],
    steps: flow.steps.map(stepToWire),
    data: flow.data.map((d) => ({
      name: d.name,
      order: ORDER_TO_WIRE[d.order],
      columns: d.columns,
      rows: d.rows.map((values) => ({ values })),
    })),
    cookies: flow.cookies,
    seqStart: flow.seqStart,
    seqStride: flow.seqStride,
    vuStart: flow.vuStart,
  };
}

function stepToWire(step: FlowStep): volley.v1.Step.$Properties {
  return {
    name: step.name,
    method: step.method,
    origin: step.origin,
    path: step.path,
    headers: step.headers.map(([name, value]) => ({ name, value })),
    hasBody: step.body !== null,
    body: step.body ?? '',
    checks: step.checks.map(checkToWire),
    captures: step.captures.map((c) => ({ name: c.name, from: SOURCE_TO_WIRE[c.from], expr: c.expr })),
    hasThink: step.think !== null,
    thinkMinMs: step.think?.minMs ?? 0,
    thinkMaxMs: step.think?.maxMs ?? 0,
    weight: step.weight,
  };
}

function checkToWire(check: Check): volley.v1.Check.$Properties {
  switch (check.type) {
    case 'status':
      return { status: { statuses: check.statuses } };
    case 'body':
      return { bodyContains: check.contains };
    case 'json':
      return { json: { path: check.path, equals: check.equals } };
    case 'header':
      return { header: { name: check.name, hasEquals: check.equals !== null, equals: check.equals ?? '' } };
  }
}

/** A flow off the wire, reshaped; an unknown enum value is refused rather than read as a default. */
export function flowFromWire(wire: volley.v1.Flow): Flow {
  return {
    pick: known(PICK_TO_WIRE, wire.pick, 'flow pick'),
    steps: wire.steps.map((s) => stepFromWire(s as volley.v1.Step)),
    data: wire.data.map((d) => ({
      name: d.name ?? '',
      order: known(ORDER_TO_WIRE, d.order ?? 0, 'data order'),
      columns: d.columns ?? [],
      rows: (d.rows ?? []).map((r) => r.values ?? []),
    })),
    cookies: wire.cookies,
    seqStart: wire.seqStart,
    seqStride: wire.seqStride,
    vuStart: wire.vuStart,
  };
}

function stepFromWire(wire: volley.v1.Step): FlowStep {
  return {
    name: wire.name,
    method: wire.method,
    origin: wire.origin,
    path: wire.path,
    headers: wire.headers.map((h) => [h.name ?? '', h.value ?? '']),
    body: wire.hasBody ? wire.body : null,
    checks: wire.checks.map((c) => checkFromWire(c as volley.v1.Check)),
    captures: wire.captures.map(
      (c): Capture => ({
        name: c.name ?? '',
        from: known(SOURCE_TO_WIRE, c.from ?? 0, 'capture source'),
        expr: c.expr ?? '',
      }),
    ),
    think: wire.hasThink ? { minMs: wire.thinkMinMs, maxMs: wire.thinkMaxMs } : null,
    weight: wire.weight,
  };
}

function checkFromWire(wire: volley.v1.Check): Check {
  switch (wire.kind) {
    case 'status':
      return { type: 'status', statuses: wire.status?.statuses ?? [] };
    case 'bodyContains':
      return { type: 'body', contains: wire.bodyContains ?? '' };
    case 'json':
      return { type: 'json', path: wire.json?.path ?? '', equals: wire.json?.equals ?? '' };
    case 'header':
      return {
        type: 'header',
        name: wire.header?.name ?? '',
        equals: wire.header?.hasEquals ? (wire.header.equals ?? '') : null,
      };
    default:
      throw new PlanError('INVALID_FLOW', 'a check on the wire has no kind');
  }
}

function known<K extends string>(map: Record<K, number>, value: number, what: string): K {
  for (const [k, v] of Object.entries(map)) if (v === value) return k as K;
  throw new PlanError('INVALID_FLOW', `unknown ${what} ${value} on the wire`);
}
