// Joins a controller over WebSocket, runs the engine with the plan it is given, streams interval histograms,
// and stops firing when the controller goes silent (dead-man's switch).
export {
  Agent,
  type AgentOptions,
  AgentRejectedError,
  DEFAULT_AGENT_TIMEOUT_MS,
} from './agent.js';
