// Accepts and authenticates agents, splits the plan, starts everyone together, merges their intervals and
// assembles the result.
export {
  Controller,
  ControllerError,
  type ControllerEvent,
  type ControllerOptions,
  DEFAULT_AGENT_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_START_DELAY_MS,
} from './controller.js';
export { SplitError, shares, splitPlan } from './split.js';
export { intervalFromWire } from './wire-interval.js';
