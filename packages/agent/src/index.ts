// Joins a controller over WebSocket, runs the engine with the plan it is given (one at a time, and only within its
// operator's limits), streams interval histograms, and stops firing when the controller goes silent (dead-man's
// switch).
export { Agent } from './agent.js';
export { LimitsError, type OperatorLimits } from './limits.js';
export { AgentRejectedError, ControllerMismatchError } from './link.js';
export { type AgentOptions, DEFAULT_AGENT_TIMEOUT_MS } from './options.js';
export { MAX_START_DELAY_MS } from './run-slot.js';
