import type { ClientName, Plan } from '@volley/plan';
import type { Client } from 'undici';
import { PerRequestStrategy } from './per-request.js';
import { PooledStrategy } from './pooled.js';
import type { ClientStrategy } from './strategy.js';

export type { ClientStrategy, Connection } from './strategy.js';

type StrategyFactory = (origin: string, options: Client.Options, slotsPerConnection: number) => ClientStrategy;

/** Client strategies by name; adding one is one line here and one file beside this one. */
const STRATEGIES = {
  pooled: (origin, options, slots) => new PooledStrategy(origin, options, slots),
  'per-request': (origin, options) => new PerRequestStrategy(origin, options),
} satisfies Record<ClientName, StrategyFactory>;

/**
 * Builds the plan's client strategy; undici's timeouts bound connecting, the wait for headers and each gap in the
 * body (the run's sweep bounds the whole exchange).
 */
export function createStrategy(plan: Plan): ClientStrategy {
  const options: Client.Options = {
    pipelining: plan.pipelining,
    connect: { timeout: plan.timeoutMs, ...(plan.insecure ? { rejectUnauthorized: false } : {}) },
    headersTimeout: plan.timeoutMs,
    bodyTimeout: plan.timeoutMs,
    ...(plan.http2 ? { allowH2: true } : {}),
  };
  return STRATEGIES[plan.client](new URL(plan.url).origin, options, plan.pipelining);
}
