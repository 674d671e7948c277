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

const CODES: ReadonlySet<string> = new Set<VolleyErrorCode>([
  'INVALID_URL',
  'INVALID_NUMBER',
  'CONFLICTING_LIMITS',
  'INVALID_CLIENT',
  'INVALID_MODEL',
  'INVALID_METHOD',
  'INVALID_STAGES',
  'INVALID_PROTOCOL',
  'INVALID_ENDPOINT',
  'INVALID_HEADER',
  'UNSPLITTABLE_PLAN',
  'INVALID_THRESHOLD',
  'USAGE',
  'WAIT_TIMEOUT',
  'CLOSED',
  'INVALID_LIMIT',
  'AGENT_REJECTED',
  'CONTROLLER_MISMATCH',
  'INVALID_TARGET_OPTION',
]);

/** Is `err` one of Volley's typed errors (bad input, no agents, a refusal) rather than a bug? */
export function isVolleyError(err: unknown): err is VolleyError {
  return (
    err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && CODES.has((err as VolleyError).code)
  );
}
