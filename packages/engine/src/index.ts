// The load itself: plans, client strategies (pooled, per-request), the closed model; emits intervals, never prints.
export type { ClientStrategy, Connection } from './client/index.js';
export { createStrategy } from './client/index.js';
export { ABORT_CODE, classifyError, type ErrorKind } from './error-kind.js';
export {
  CLIENT_NAMES,
  type ClientName,
  DEFAULT_CONNECTIONS,
  DEFAULT_DURATION_MS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_METHOD,
  DEFAULT_TIMEOUT_MS,
  MAX_CONNECTIONS,
  type Plan,
  PlanError,
  type PlanInput,
  parseDuration,
  resolvePlan,
} from './plan.js';
export { buildTemplate, type RequestTemplate } from './request-template.js';
export { type IntervalSink, type RunHandle, type RunStats, startRun } from './run.js';
