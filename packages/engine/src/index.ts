// The load itself: plans, client strategies (pooled, per-request), the closed and open models, schedules; emits
// intervals, never prints.
export type { ClientStrategy, Connection } from './client/index.js';
export { createStrategy } from './client/index.js';
export { type Clock, realClock, type Timer } from './clock.js';
export { ABORT_CODE, classifyError, type ErrorKind } from './error-kind.js';
export { LATE_AFTER_US } from './open-model.js';
export {
  CLIENT_NAMES,
  type ClientName,
  DEFAULT_CONNECTIONS,
  DEFAULT_DURATION_MS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_METHOD,
  DEFAULT_OPEN_CONNECTIONS,
  DEFAULT_TIMEOUT_MS,
  type Endpoint,
  MAX_CONNECTIONS,
  MAX_PIPELINING,
  MAX_RATE,
  type Plan,
  PlanError,
  type PlanInput,
  parseDuration,
  resolvePlan,
  type Stage,
  slotsOf,
  type WorkloadModel,
} from './plan.js';
export { buildTemplates, RequestMix, type RequestTemplate } from './request-template.js';
export {
  type IntervalSink,
  type PreparedRun,
  prepareRun,
  type RunHandle,
  type RunOptions,
  type RunStats,
  startRun,
} from './run.js';
export { connectionsAt, next, RateSchedule, type Schedule, STOP } from './schedule.js';
export { shares, splitPlan, usableWorkers } from './split.js';
export { prepareThreadedRun, startThreadedRun, ThreadedRun } from './threads/threaded-run.js';
