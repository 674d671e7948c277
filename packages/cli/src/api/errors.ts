import type { AgentRejectedError, ControllerMismatchError, LimitsError } from '@volley/agent';
import type { ControllerError } from '@volley/controller';
import type { PlanError } from '@volley/plan';
import type { ThresholdError } from '@volley/report';
import type { TargetError } from '@volley/target';
import type { UsageError } from '../errors.js';

/**
 * Every error Volley throws on purpose, told apart by `code` (stable: match on it, not on the message, which is
 * one line fit for a user). Anything else thrown is a bug.
 */
export type VolleyError =
  | PlanError
  | ThresholdError
  | UsageError
  | ControllerError
  | LimitsError
  | AgentRejectedError
  | ControllerMismatchError
  | TargetError;

/** The stable codes of VolleyError. */
export type VolleyErrorCode = VolleyError['code'];

/** Every code, once: the type makes the list complete (a code added to an error class must be added here). */
const CODES: Record<VolleyErrorCode, true> = {
  INVALID_URL: true,
  INVALID_NUMBER: true,
  CONFLICTING_LIMITS: true,
  INVALID_CLIENT: true,
  INVALID_MODEL: true,
  INVALID_METHOD: true,
  INVALID_STAGES: true,
  INVALID_PROTOCOL: true,
  INVALID_ENDPOINT: true,
  INVALID_HEADER: true,
  UNSPLITTABLE_PLAN: true,
  INVALID_FLOW: true,
  INVALID_TEMPLATE: true,
  INVALID_JSON_PATH: true,
  INVALID_DATA: true,
  INVALID_THRESHOLD: true,
  USAGE: true,
  WAIT_TIMEOUT: true,
  CLOSED: true,
  INVALID_LIMIT: true,
  AGENT_REJECTED: true,
  CONTROLLER_MISMATCH: true,
  INVALID_TARGET_OPTION: true,
};

/** Is `err` one of Volley's typed errors (bad input, no agents, a refusal) rather than a bug? */
export function isVolleyError(err: unknown): err is VolleyError {
  return (
    err instanceof Error &&
    typeof (err as { code?: unknown }).code === 'string' &&
    Object.hasOwn(CODES, (err as VolleyError).code)
  );
}
