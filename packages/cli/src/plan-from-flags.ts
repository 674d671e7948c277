import { type Plan, type PlanInput, parseDuration, resolvePlan } from '@volley/engine';
import { UsageError } from './errors.js';

/** The plan flags as oclif parsed them. */
export interface PlanFlagValues {
  connections?: number | undefined;
  duration?: string | undefined;
  requests?: number | undefined;
  client: string;
  method?: string | undefined;
  header?: string[] | undefined;
  body?: string | undefined;
  timeout?: string | undefined;
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

/** Turns flags into a validated plan: all input checking happens here, before any load is sent. */
export function planFromFlags(url: string, flags: PlanFlagValues): Plan {
  const input: PlanInput = { url, client: flags.client as Plan['client'] };
  if (flags.connections !== undefined) input.connections = flags.connections;
  if (flags.duration !== undefined) {
    input.durationMs = parseDuration(flags.duration);
    if (input.durationMs <= 0) throw new UsageError(`duration must be positive, got ${flags.duration}`);
  }
  if (flags.requests !== undefined) input.requests = flags.requests;
  if (flags.method !== undefined) input.method = flags.method;
  if (flags.header) input.headers = flags.header.map(parseHeader);
  if (flags.body !== undefined) input.body = Buffer.from(flags.body);
  if (flags.timeout !== undefined) input.timeoutMs = parseDuration(flags.timeout);
  return resolvePlan(input);
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
    model: 'closed',
  };
}
