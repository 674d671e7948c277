import type { Client } from 'undici';
import type { ClientName, Plan } from '../plan.js';
import type { RequestTemplate } from '../request-template.js';
import { PerRequestStrategy } from './per-request.js';
import { PooledStrategy } from './pooled.js';
import type { ClientStrategy } from './strategy.js';

export type { ClientStrategy, Connection } from './strategy.js';

type StrategyFactory = (origin: string, options: Client.Options) => ClientStrategy;

/** Client strategies by name; adding one is one line here and one file beside this one. */
const STRATEGIES = {
  pooled: (origin, options) => new PooledStrategy(origin, options),
  'per-request': (origin, options) => new PerRequestStrategy(origin, options),
} satisfies Record<ClientName, StrategyFactory>;

/** Builds the plan's client strategy; the timeout bounds connecting, waiting for headers and reading the body. */
export function createStrategy(plan: Plan, template: RequestTemplate): ClientStrategy {
  const options: Client.Options = {
    pipelining: 1,
    connect: { timeout: plan.timeoutMs },
    headersTimeout: plan.timeoutMs,
    bodyTimeout: plan.timeoutMs,
  };
  return STRATEGIES[plan.client](template.origin, options);
}
