// The load itself: workload models registered as descriptors, client strategies (pooled, per-request), request
// templates and schedules, behind one prepare entry point that hides worker threads; emits intervals, never prints.
export type { ClientStrategy, Connection } from './client/index.js';
export { createStrategy } from './client/index.js';
export { type Clock, realClock, type Timer } from './clock.js';
export { ABORT_CODE, classifyError, type ErrorKind, firstErrorMessage } from './error-kind.js';
export type { EngineModel } from './model.js';
export { LATE_AFTER_US } from './open-model.js';
export { buildTemplates, RequestMix, type RequestTemplate } from './request-template.js';
export {
  type IntervalSink,
  type PreparedRun,
  type PrepareOptions,
  prepare,
  type RunHandle,
  type RunOptions,
  type RunStats,
  startRun,
} from './run.js';
export { connectionsAt, next, RateSchedule, type Schedule, STOP } from './schedule.js';
export { LAG_RESOLUTION_MS, ThreadHealth } from './thread-health.js';
export { startThreadedRun, ThreadedRun } from './threads/threaded-run.js';
