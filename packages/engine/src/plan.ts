/** How requests are sent: one keep-alive connection per loop, or a fresh connection for every request. */
export type ClientName = 'pooled' | 'per-request';

export const CLIENT_NAMES: readonly ClientName[] = ['pooled', 'per-request'];
export const DEFAULT_CONNECTIONS = 10;
/** The open model's default cap on connections: enough to ride out a stall at a modest rate. */
export const DEFAULT_OPEN_CONNECTIONS = 100;
export const MAX_RATE = 10_000_000;
export const DEFAULT_DURATION_MS = 10_000;
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_INTERVAL_MS = 1_000;
export const DEFAULT_METHOD = 'GET';
export const MAX_CONNECTIONS = 100_000;
export const MAX_PIPELINING = 1024;

/** One agent's complete, validated instructions: what to send, how hard, for how long. */
export interface Plan {
  url: string;
  method: string;
  /** Header name/value pairs, in order; repeated names are kept. */
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  /** Closed model: this many loops, each with at most one request in flight. */
  connections: number;
  /** Stop after this long (ms); 0 when `requests` bounds the run instead. */
  durationMs: number;
  /** Stop after this many requests; 0 when `durationMs` bounds the run instead. */
  requests: number;
  client: ClientName;
  /** A request with no complete response after this long (ms) ends as a `timeout` error. */
  timeoutMs: number;
  /** Length of one reporting interval (ms). */
  intervalMs: number;
  /** closed: `connections` loops, each waiting for its response; open: requests on a schedule (`rate`, `stages`). */
  model: WorkloadModel;
  /** Open model: requests per second (the starting rate when there are stages); 0 in the closed model. */
  rate: number;
  /**
   * Linear ramps through each target in turn: requests per second (open) or connections (closed, from 0).
   * With stages the run lasts their total duration.
   */
  stages: Stage[];
  /**
   * Requests in flight on one connection at once: HTTP/1.1 pipelining, or concurrent streams with `http2`.
   * Each connection is then `pipelining` slots of concurrency (a closed-model loop, or an open-model sender).
   */
  pipelining: number;
  /** Offer HTTP/2 in the TLS handshake (ALPN) and use it when the server agrees; needs an https:// URL. */
  http2: boolean;
  /** Accept any TLS certificate (self-signed test servers); the connection is still encrypted. */
  insecure: boolean;
  /**
   * A scenario's named requests, picked by weight, all on `url`'s origin (plan headers go first on each); empty
   * for a run of the one request `url`, `method`, `headers`, `body` describe.
   */
  endpoints: Endpoint[];
}

/** One named request of a scenario. */
export interface Endpoint {
  name: string;
  method: string;
  /** Path and query, on the plan URL's origin. */
  path: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  /** Relative frequency: picked weight / (sum of weights) of the time. */
  weight: number;
}

/** Slots of concurrency the plan asks for: connections times the requests each carries at once. */
export function slotsOf(plan: Plan): number {
  return plan.connections * plan.pipelining;
}

/** Closed model: load follows responses. Open model: load follows the clock, whatever the server does. */
export type WorkloadModel = 'closed' | 'open';

/** One leg of a ramp: reach `target` linearly over `durationMs`. */
export interface Stage {
  durationMs: number;
  target: number;
}

/** What a caller may give; everything but the URL has a default. */
export type PlanInput = Partial<Plan> & { url: string };

/** Invalid plan input; `code` is stable, `message` is one line fit for a user. */
export class PlanError extends Error {
  readonly code:
    | 'INVALID_URL'
    | 'INVALID_NUMBER'
    | 'CONFLICTING_LIMITS'
    | 'INVALID_CLIENT'
    | 'INVALID_METHOD'
    | 'INVALID_STAGES'
    | 'INVALID_PROTOCOL'
    | 'INVALID_ENDPOINT';
  constructor(code: PlanError['code'], message: string) {
    super(message);
    this.name = 'PlanError';
    this.code = code;
  }
}

function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new PlanError('INVALID_NUMBER', `${name} must be a whole number from 1 to ${max}, got ${value}`);
  }
  return value;
}

/** Validates input once, at the edge, and fills in the defaults. Throws PlanError. */
export function resolvePlan(input: PlanInput): Plan {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new PlanError('INVALID_URL', `not a valid URL: ${JSON.stringify(input.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PlanError('INVALID_URL', `URL must start with http:// or https://, got ${url.protocol}//`);
  }
  const method = checkMethod(input.method ?? DEFAULT_METHOD);
  const client = input.client ?? 'pooled';
  if (!CLIENT_NAMES.includes(client)) {
    throw new PlanError('INVALID_CLIENT', `client must be one of ${CLIENT_NAMES.join(', ')}, got ${client}`);
  }
  const hasDuration = input.durationMs !== undefined && input.durationMs !== 0;
  const hasRequests = input.requests !== undefined && input.requests !== 0;
  if (hasDuration && hasRequests) {
    throw new PlanError('CONFLICTING_LIMITS', 'give either a duration or a request count, not both');
  }
  const rate = nonNegative('rate', input.rate ?? 0, MAX_RATE);
  const model: WorkloadModel = input.model ?? (rate > 0 ? 'open' : 'closed');
  if (model === 'closed' && rate > 0) throw new PlanError('CONFLICTING_LIMITS', 'a rate needs the open model');
  const stages = (input.stages ?? []).map((stage, i) => ({
    durationMs: positiveInteger(`stage ${i + 1} duration (ms)`, stage.durationMs),
    target: nonNegative(`stage ${i + 1} target`, stage.target, model === 'open' ? MAX_RATE : MAX_CONNECTIONS),
  }));
  if (model === 'closed' && stages.some((s) => !Number.isInteger(s.target))) {
    throw new PlanError('INVALID_STAGES', 'connection stages need whole numbers of connections');
  }
  if (stages.length > 0 && (hasDuration || hasRequests)) {
    throw new PlanError('CONFLICTING_LIMITS', 'stages set the duration: give no duration or request count with them');
  }
  if (model === 'open' && stages.length === 0 && rate === 0) {
    throw new PlanError('INVALID_NUMBER', 'the open model needs a rate above 0');
  }
  if (model === 'closed' && stages.length > 0 && input.connections !== undefined) {
    throw new PlanError('CONFLICTING_LIMITS', 'connection stages set the connections: give no connection count');
  }
  const pipelining = positiveInteger('pipelining', input.pipelining ?? 1, MAX_PIPELINING);
  if (pipelining > 1 && client === 'per-request') {
    throw new PlanError(
      'CONFLICTING_LIMITS',
      'pipelining needs pooled connections: a per-request connection carries one',
    );
  }
  const http2 = input.http2 ?? false;
  if (http2 && url.protocol !== 'https:') {
    throw new PlanError('INVALID_PROTOCOL', 'HTTP/2 needs an https:// URL (it is negotiated in the TLS handshake)');
  }
  const stagedMs = stages.reduce((ms, s) => ms + s.durationMs, 0);
  const rampedConnections = Math.max(1, ...stages.map((s) => s.target));
  const defaultConnections = model === 'open' ? DEFAULT_OPEN_CONNECTIONS : DEFAULT_CONNECTIONS;
  return {
    url: url.href,
    method,
    headers: input.headers ?? [],
    body: input.body ?? null,
    connections: positiveInteger(
      'connections',
      model === 'closed' && stages.length > 0 ? rampedConnections : (input.connections ?? defaultConnections),
      MAX_CONNECTIONS,
    ),
    durationMs:
      stagedMs > 0
        ? stagedMs
        : hasRequests
          ? 0
          : positiveInteger('duration (ms)', input.durationMs ?? DEFAULT_DURATION_MS),
    requests: hasRequests ? positiveInteger('requests', input.requests ?? 0) : 0,
    client,
    timeoutMs: positiveInteger('timeout (ms)', input.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    intervalMs: positiveInteger('interval (ms)', input.intervalMs ?? DEFAULT_INTERVAL_MS),
    model,
    rate,
    stages,
    pipelining,
    http2,
    insecure: input.insecure ?? false,
    endpoints: checkEndpoints(input.endpoints ?? []),
  };
}

function checkMethod(text: string): string {
  const method = text.toUpperCase();
  if (!/^[A-Z][A-Z-]*$/.test(method)) throw new PlanError('INVALID_METHOD', `not an HTTP method: ${text}`);
  return method;
}

function checkEndpoints(endpoints: readonly Endpoint[]): Endpoint[] {
  const names = new Set<string>();
  return endpoints.map((e) => {
    if (!e.name) throw new PlanError('INVALID_ENDPOINT', 'every request of a scenario needs a name');
    if (names.has(e.name)) throw new PlanError('INVALID_ENDPOINT', `two requests are named ${JSON.stringify(e.name)}`);
    names.add(e.name);
    if (!e.path.startsWith('/')) {
      throw new PlanError(
        'INVALID_ENDPOINT',
        `request ${e.name}: path must start with /, got ${JSON.stringify(e.path)}`,
      );
    }
    if (!(Number.isFinite(e.weight) && e.weight > 0)) {
      throw new PlanError('INVALID_ENDPOINT', `request ${e.name}: weight must be a number above 0, got ${e.weight}`);
    }
    return { ...e, method: checkMethod(e.method) };
  });
}

function nonNegative(name: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new PlanError('INVALID_NUMBER', `${name} must be a number from 0 to ${max}, got ${value}`);
  }
  return value;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `250ms`, `10s`, `1m30s`, `2h` or a bare number of seconds into milliseconds. Throws PlanError. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new PlanError('INVALID_NUMBER', `not a duration: ${JSON.stringify(text)} (try 500ms, 10s, 1m30s)`);
  }
  let ms = 0;
  for (const [, n, unit] of parts) ms += Number(n) * (UNIT_MS[unit ?? 's'] ?? 1000);
  return Math.round(ms);
}
