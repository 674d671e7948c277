// The built-in HTTP target (`volley target`): configurable latency, status and body size, with per-request
// overrides for stalls and resets; it counts requests and connections so tests can check a run against it.
export { freePort } from './free-port.js';
export { startTargetProcess, type TargetProcess } from './process.js';
export { startTarget, type Target, TargetError, type TargetOptions, type TargetStats } from './target.js';
