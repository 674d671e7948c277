import { type Endpoint, type Plan, type PlanInput, parseDuration, resolvePlan } from '@volley/engine';
import { UsageError } from './errors.js';

/** The plan flags as oclif parsed them. */
export interface PlanFlagValues {
  connections?: number | undefined;
  rate?: string | undefined;
  stage?: string[] | undefined;
  duration?: string | undefined;
  requests?: number | undefined;
  client?: string | undefined;
  method?: string | undefined;
  header?: string[] | undefined;
  body?: string | undefined;
  timeout?: string | undefined;
  pipelining?: number | undefined;
  http2?: boolean | undefined;
  insecure?: boolean | undefined;
}

/** Parses `Name: value`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`header must look like 'Name: value', got ${JSON.stringify(text)}`);
  }
  return [name, text.slice(colon + 1).trim()];
}

/** What a scenario file adds to the flags: headers for every request (before the flags'), and named requests. */
export interface PlanExtras {
  headers: Array<[string, string]>;
  endpoints: Endpoint[];
}

/** Turns flags into a validated plan: all input checking happens here, before any load is sent. */
export function planFromFlags(url: string, flags: PlanFlagValues, extras?: PlanExtras): Plan {
  const input: PlanInput = { url };
  if (flags.client !== undefined) input.client = flags.client as Plan['client'];
  if (flags.connections !== undefined) input.connections = flags.connections;
  if (flags.duration !== undefined) {
    input.durationMs = parseDuration(flags.duration);
    if (input.durationMs <= 0) throw new UsageError(`duration must be positive, got ${flags.duration}`);
  }
  if (flags.requests !== undefined) input.requests = flags.requests;
  if (flags.method !== undefined) input.method = flags.method;
  input.headers = [...(extras?.headers ?? []), ...(flags.header ?? []).map(parseHeader)];
  if (extras && extras.endpoints.length > 0) input.endpoints = extras.endpoints;
  if (flags.body !== undefined) input.body = Buffer.from(flags.body);
  if (flags.timeout !== undefined) input.timeoutMs = parseDuration(flags.timeout);
  if (flags.pipelining !== undefined) input.pipelining = flags.pipelining;
  if (flags.http2) input.http2 = true;
  if (flags.insecure) input.insecure = true;
  if (flags.rate !== undefined) input.rate = parseRate(flags.rate);
  if (flags.stage) {
    const stages = flags.stage.map(parseStage);
    const open = stages.every((s) => s.perSecond);
    if (!open && stages.some((s) => s.perSecond)) {
      throw new UsageError("stages are all rates ('30s:500/s') or all connections ('30s:50'), not a mix");
    }
    if (!open && input.rate !== undefined)
      throw new UsageError('--rate needs rate stages (30s:500/s), not connections');
    input.stages = stages.map(({ durationMs, target }) => ({ durationMs, target }));
    input.model = open ? 'open' : 'closed';
  } else if (input.rate !== undefined) {
    input.model = 'open';
  }
  return resolvePlan(input);
}

/** `500`, `500/s` or `1.5k`: requests per second. */
function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(k)?(?:\/s)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--rate must be requests per second, like 500 or 2.5k, got ${JSON.stringify(text)}`);
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

/** `30s:500/s` (rate) or `1m:50` (connections). */
function parseStage(text: string): { durationMs: number; target: number; perSecond: boolean } {
  const m = /^([^:]+):(\d+(?:\.\d+)?)(k)?(\/s)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--stage must be DURATION:TARGET, like 30s:500/s or 1m:50, got ${JSON.stringify(text)}`);
  const durationMs = parseDuration(m[1] ?? '');
  if (durationMs <= 0) throw new UsageError(`a stage needs a positive duration, got ${JSON.stringify(text)}`);
  return { durationMs, target: Number(m[2]) * (m[3] ? 1000 : 1), perSecond: m[4] !== undefined };
}

/** The plan as the result document shows it: JSON-friendly, defaults filled in. */
export function describePlan(plan: Plan): Record<string, unknown> {
  return {
    url: plan.url,
    method: plan.method,
    headers: plan.headers,
    body: plan.body ? Buffer.from(plan.body).toString('utf8') : null,
    connections: plan.connections,
    durationMs: plan.durationMs,
    requests: plan.requests,
    client: plan.client,
    timeoutMs: plan.timeoutMs,
    intervalMs: plan.intervalMs,
    model: plan.model,
    rate: plan.rate,
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
            headers: e.headers,
            bodyBytes: e.body?.byteLength ?? 0,
            weight: e.weight,
          })),
        }
      : {}),
  };
}

/**
 * The plan of a command that runs load: from the flags, over the scenario file when `--scenario` names one.
 * `url` is the command line's (or the demo target's); without one, the scenario's. Also gives the scenario's
 * thresholds (the command line's are added to them).
 */
export async function planFromInput(
  url: string | undefined,
  flags: PlanFlagValues & { scenario?: string | undefined },
  missingUrl = 'missing URL',
): Promise<{ plan: Plan; thresholds: string[] }> {
  if (flags.scenario === undefined) {
    if (!url) throw new UsageError(missingUrl);
    return { plan: planFromFlags(url, flags), thresholds: [] };
  }
  const { loadScenario, scenarioPlanInput } = await import('./scenario.js');
  const scenario = await loadScenario(flags.scenario);
  const target = url ?? scenario.url;
  if (!target) throw new UsageError(`${missingUrl}: give one on the command line or as url: in ${flags.scenario}`);
  const input = scenarioPlanInput(scenario, target, flags);
  return { plan: planFromFlags(target, input.flags, input), thresholds: scenario.thresholds };
}
