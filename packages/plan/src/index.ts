// The Plan: one validated description of a run, tagged by workload model; each model's config and checks, the
// one splitter (agents and threads alike), the parsers of durations, rates and stages, and the result's `plan`.
export { formatDuration, PlanError } from './errors.js';
export {
  type CompiledCapture,
  type CompiledCheck,
  type CompiledFlow,
  type CompiledStep,
  compileFlow,
} from './flow/compile.js';
export {
  type Capture,
  type CaptureSource,
  type Check,
  DATA_ORDERS,
  type DataOrder,
  type DataSet,
  type Flow,
  type FlowPick,
  type FlowStep,
  MAX_DATA_BYTES,
} from './flow/flow.js';
export { type JsonPath, parseJsonPath, readJsonPath } from './flow/json-path.js';
export { expandEnv, hasTemplate, parseTemplate, type Segment } from './flow/template.js';
export { REDACTED, redactHeaders, SECRET_HEADERS } from './headers.js';
export type { PlanModel } from './models/index.js';
export { parseDuration, parseRate, parseStage, parseStageParts, stagesOf } from './parse.js';
export {
  CLIENT_NAMES,
  type ClientName,
  type ClosedPlan,
  DEFAULT_CONNECTIONS,
  DEFAULT_DURATION_MS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_METHOD,
  DEFAULT_OPEN_CONNECTIONS,
  DEFAULT_TIMEOUT_MS,
  type Endpoint,
  MAX_CONNECTIONS,
  MAX_DURATION_MS,
  MAX_INTERVAL_MS,
  MAX_PIPELINING,
  MAX_RATE,
  MAX_TIMEOUT_MS,
  type OpenPlan,
  type Plan,
  type PlanBase,
  type PlanFragment,
  type PlanInput,
  type Stage,
  slotsOf,
  type WorkloadModel,
} from './plan.js';
export { resolvePlan } from './resolve.js';
export {
  describePlan,
  type EndpointSection,
  type FlowSection,
  type PlanSection,
  requestWeights,
  type StepSection,
} from './section.js';
export { shares } from './shares.js';
export { askedRate, maxShares, splitPlan, usableShares } from './split.js';
