import type { ControllerEvent } from '@volley/controller';
import type { IntervalSummary } from '@volley/metrics';
import { type Plan, PlanError } from '@volley/plan';
import type { PlanFlagValues } from '../flags-input.js';
import { planFromInput } from '../plan-input.js';

/** What to load and how: the plan flags of `volley run`, as values. Everything is validated before any load. */
export interface LoadOptions {
  /** http:// or https:// target; may be left out when `scenario` names one. */
  url?: string;
  /** Closed model: concurrent connections, each with one request in flight (default 10). */
  connections?: number;
  /** How long to run: milliseconds, or a duration such as '500ms', '10s', '1m30s' (default 10 s). */
  duration?: number | string;
  /** Stop after this many requests instead of after a duration. */
  requests?: number;
  /** Open model: requests per second (500, '2.5k'), latency measured from the intended send time. */
  rate?: number | string;
  /** Ramps, k6-style: '30s:500/s' (rate) or '30s:50' (connections). */
  stages?: readonly string[];
  /** A scenario file (YAML); the other options override it, as flags do. */
  scenario?: string;
  client?: 'pooled' | 'per-request';
  method?: string;
  /** Request headers, sent by the agents as given. */
  headers?: Readonly<Record<string, string>> | ReadonlyArray<readonly [string, string]>;
  /** Header names to mask in the result (authorization, cookie and their kin always are). */
  redact?: readonly string[];
  body?: string;
  /** Bound on each whole exchange: milliseconds or a duration ('2s'). */
  timeout?: number | string;
  pipelining?: number;
  http2?: boolean;
  /** Skip TLS certificate checks. */
  insecure?: boolean;
  /** Thresholds such as 'p99<250ms' or 'error_rate<0.01', judged into `result.thresholds`. */
  thresholds?: readonly string[];
  /** Called with each interval merged over every agent, once a second while the run goes. */
  onInterval?: (interval: IntervalSummary, total: IntervalTotal) => void;
  /** Aborting it stops the run; the promise still resolves with what was measured (`result.aborted`). */
  signal?: AbortSignal;
  /** pino level of the diagnostics written to stderr as JSON lines (default 'silent'). */
  logLevel?: LogLevel;
}

/** Running totals sent beside each interval. */
export interface IntervalTotal {
  requests: number;
  errors: number;
  elapsedMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

const ms = (value: number | string | undefined): string | undefined =>
  typeof value === 'number' ? `${value}ms` : value;

/** The options as the flags `volley run` would have parsed them: one plan path for the CLI and the API. */
function asFlags(options: LoadOptions): PlanFlagValues & { scenario?: string } {
  const headers = Array.isArray(options.headers)
    ? (options.headers as ReadonlyArray<readonly [string, string]>)
    : Object.entries(options.headers ?? {});
  return {
    connections: options.connections,
    duration: ms(options.duration),
    requests: options.requests,
    rate: options.rate === undefined ? undefined : String(options.rate),
    stage: options.stages ? [...options.stages] : undefined,
    client: options.client,
    method: options.method,
    header: headers.length > 0 ? headers.map(([name, value]) => `${name}: ${value}`) : undefined,
    redact: options.redact ? [...options.redact] : undefined,
    body: options.body,
    timeout: ms(options.timeout),
    pipelining: options.pipelining,
    http2: options.http2,
    insecure: options.insecure,
    ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
  };
}

/** The plan and every threshold of `options`, checked; bad input throws a typed error with a stable code. */
export async function planOf(options: LoadOptions): Promise<{ plan: Plan; thresholds: string[] }> {
  if (options.duration !== undefined && options.requests !== undefined) {
    throw new PlanError('CONFLICTING_LIMITS', 'give duration or requests, not both');
  }
  const { plan, thresholds } = await planFromInput(options.url, asFlags(options), 'missing url');
  return { plan, thresholds: [...thresholds, ...(options.thresholds ?? [])] };
}

/** A controller event listener that hands intervals to `onInterval`. */
export function intervalListener(options: LoadOptions): ((event: ControllerEvent) => void) | undefined {
  const { onInterval } = options;
  if (!onInterval) return undefined;
  return (event) => {
    if (event.type === 'interval') onInterval(event.interval, event.total);
  };
}

/** Ties an AbortSignal to a run's abort; returns the unhook. */
export function onAbort(signal: AbortSignal | undefined, abort: (reason: string) => void): () => void {
  if (!signal) return () => {};
  const listener = (): void => abort('aborted');
  if (signal.aborted) listener();
  else signal.addEventListener('abort', listener, { once: true });
  return () => signal.removeEventListener('abort', listener);
}
