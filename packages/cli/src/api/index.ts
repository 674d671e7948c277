// Volley's programmatic API: a local run, a controller and an agent, each the function its CLI command runs.
export { AgentRejectedError, ControllerMismatchError, LimitsError, type OperatorLimits } from '@volley/agent';
export { ControllerError, type ControllerEvent } from '@volley/controller';
export type {
  AgentSummary,
  EndpointSummary,
  IntervalSummary,
  LatencySummary,
  RequestCounts,
  Result,
  ThresholdResult,
} from '@volley/metrics';
export { PlanError } from '@volley/plan';
export { ThresholdError } from '@volley/report';
export { TargetError } from '@volley/target';
export { UsageError } from '../errors.js';
export {
  type AgentRun,
  type AgentRunOptions,
  type ControllerRun,
  type ControllerRunOptions,
  runAgent,
  runController,
} from './distributed.js';
export { isVolleyError, type VolleyError, type VolleyErrorCode } from './errors.js';
export type { IntervalTotal, LoadOptions, LogLevel } from './options.js';
export { type RunOptions, run } from './run.js';
