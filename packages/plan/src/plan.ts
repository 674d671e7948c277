import type { Flow } from './flow/flow.js';

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
// Bounds on times, so every one fits a 32-bit setTimeout (2^31 - 1 ms, 24.8 days) instead of wrapping to ~1 ms.
/** Longest request timeout: 1 h. */
export const MAX_TIMEOUT_MS = 3_600_000;
/** Longest reporting interval: 1 h. */
export const MAX_INTERVAL_MS = 3_600_000;
/** Longest run, and longest total of a run's stages: 7 days. */
export const MAX_DURATION_MS = 7 * 86_400_000;
export const MAX_CONNECTIONS = 100_000;
export const MAX_PIPELINING = 1024;

/** What every workload model's plan has: what to send, on how many connections, for how long. */
export interface PlanBase {
  url: string;
  method: string;
  /** Header name/value pairs, in order; repeated names are kept. */
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  /** Closed model: this many loops. Open model: at most this many sockets. */
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
  /**
   * Header names (lowercase) whose values results and reports mask: the secret ones (SECRET_HEADERS) and those
   * the user named. Only the result's plan section reads it; requests carry the real values.
   */
  redact: string[];
  /**
   * A user journey (`flow:`, or `requests:` with data or templates): steps, test data, checks, captures, cookies.
   * Null for a run of fixed requests, which keep their prebuilt form. With a flow, `requests` counts iterations.
   */
  flow: Flow | null;
}

/** Closed model: `connections` loops, each sending its next request when the last one ended. */
export interface ClosedPlan extends PlanBase {
  model: 'closed';
  /** Connection ramps from 0 through each target in turn (whole connections); the run lasts their total. */
  stages: Stage[];
}

/** Open model: requests on a schedule whatever the server does, latency measured from the intended send. */
export interface OpenPlan extends PlanBase {
  model: 'open';
  /** Requests per second (the starting rate when there are stages). */
  rate: number;
  /** Rate ramps from `rate` through each target in turn (requests per second); the run lasts their total. */
  stages: Stage[];
}

/** One agent's complete, validated instructions, tagged by workload model. */
export type Plan = ClosedPlan | OpenPlan;

/** The workload models: closed (load follows responses) and open (load follows the clock). */
export type WorkloadModel = Plan['model'];

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

/** One leg of a ramp: reach `target` linearly over `durationMs`. */
export interface Stage {
  durationMs: number;
  target: number;
}

/** What a caller may give; everything but the URL has a default, and the model follows from a rate if not named. */
export interface PlanInput extends Partial<Omit<PlanBase, 'url'>> {
  url: string;
  model?: WorkloadModel | undefined;
  rate?: number | undefined;
  stages?: Stage[] | undefined;
}

/** Slots of concurrency the plan asks for: connections times the requests each carries at once. */
export function slotsOf(plan: Plan): number {
  return plan.connections * plan.pipelining;
}

/** A part of a plan's input, without its URL: what one source (the flags, a scenario file) says. */
export type PlanFragment = Omit<PlanInput, 'url'>;
