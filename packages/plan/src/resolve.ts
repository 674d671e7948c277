import { PlanError, positiveDuration, positiveInteger } from './errors.js';
import { checkFlow } from './flow/resolve-flow.js';
import { checkHeaders, redactedNames, sendablePath } from './headers.js';
import type { CommonFields } from './models/index.js';
import { PLAN_MODELS, WORKLOAD_MODELS } from './models/index.js';
import { given } from './models/limits.js';
import {
  CLIENT_NAMES,
  DEFAULT_INTERVAL_MS,
  DEFAULT_METHOD,
  DEFAULT_TIMEOUT_MS,
  type Endpoint,
  MAX_INTERVAL_MS,
  MAX_PIPELINING,
  MAX_TIMEOUT_MS,
  type Plan,
  type PlanInput,
  type WorkloadModel,
} from './plan.js';

/**
 * Validates input once, at the edge, and fills in the defaults: the fields every model shares here, the model's
 * own in its file. The agent calls it again on what the wire brought. Throws PlanError.
 */
export function resolvePlan(input: PlanInput): Plan {
  const model: WorkloadModel = input.model ?? ((input.rate ?? 0) > 0 ? 'open' : 'closed');
  if (!WORKLOAD_MODELS.includes(model)) {
    throw new PlanError('INVALID_MODEL', `model must be one of ${WORKLOAD_MODELS.join(', ')}, got ${String(model)}`);
  }
  return PLAN_MODELS[model].resolve(input, commonFields(input));
}

function commonFields(input: PlanInput): CommonFields {
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    throw new PlanError('INVALID_URL', `not a valid URL: ${JSON.stringify(input.url)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PlanError('INVALID_URL', `URL must start with http:// or https://, got ${url.protocol}//`);
  }
  const client = input.client ?? 'pooled';
  if (!CLIENT_NAMES.includes(client)) {
    throw new PlanError('INVALID_CLIENT', `client must be one of ${CLIENT_NAMES.join(', ')}, got ${client}`);
  }
  if (given(input.durationMs) && given(input.requests)) {
    throw new PlanError('CONFLICTING_LIMITS', 'give either a duration or a request count, not both');
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
  return {
    url: url.href,
    method: checkMethod(input.method ?? DEFAULT_METHOD),
    headers: checkHeaders(input.headers ?? []),
    body: input.body ?? null,
    // Overwritten by the model's run length; here so the common fields are complete.
    durationMs: 0,
    requests: 0,
    client,
    timeoutMs: positiveDuration('timeout', input.timeoutMs ?? DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS),
    intervalMs: positiveDuration('interval', input.intervalMs ?? DEFAULT_INTERVAL_MS, MAX_INTERVAL_MS),
    pipelining,
    http2,
    insecure: input.insecure ?? false,
    endpoints: checkEndpoints(input.endpoints ?? []),
    redact: redactedNames(input.redact ?? []),
    flow: input.flow ? checkFlow(input.flow) : null,
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
    if (!sendablePath(e.path)) {
      throw new PlanError(
        'INVALID_ENDPOINT',
        `request ${e.name}: the path holds a space or control character: percent-encode it (a space is %20)`,
      );
    }
    if (!e.path.startsWith('/')) {
      throw new PlanError(
        'INVALID_ENDPOINT',
        `request ${e.name}: path must start with /, got ${JSON.stringify(e.path)}`,
      );
    }
    if (!(Number.isFinite(e.weight) && e.weight > 0)) {
      throw new PlanError('INVALID_ENDPOINT', `request ${e.name}: weight must be a number above 0, got ${e.weight}`);
    }
    checkHeaders(e.headers, `request ${e.name}: header`);
    return { ...e, method: checkMethod(e.method) };
  });
}
