// Accepts and authenticates agents, splits the plan, starts everyone together, merges their intervals and
// assembles the result.
export { DEFAULT_AGENT_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, DEFAULT_HELLO_TIMEOUT_MS } from './agent-server.js';
export {
  Controller,
  ControllerError,
  type ControllerOptions,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_START_DELAY_MS,
} from './controller.js';
export type { AgentState, ControllerEvent, LiveAgent } from './events.js';
