import type { Logger } from 'pino';
import type { OperatorLimits } from './limits.js';

export const DEFAULT_AGENT_TIMEOUT_MS = 5_000;
export const MIN_BACKOFF_MS = 250;
export const MAX_BACKOFF_MS = 10_000;

/** How an agent joins its controller. */
export interface AgentOptions {
  /** ws:// or wss:// address of the controller. */
  url: string;
  token?: string;
  name?: string;
  logger: Logger;
  /** Dead-man's switch: stop firing when the controller has been silent this long (ms). */
  agentTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust for wss://, e.g. a controller's self-signed certificate. */
  ca?: Buffer | string;
  /** Engine threads: more than 1 runs the plan's shares on worker threads and merges them here. Default 1. */
  workers?: number;
  /** What the operator allows this agent to fire; a plan outside is refused before anything opens. */
  limits?: OperatorLimits;
}
