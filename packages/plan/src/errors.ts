/** Invalid plan input, or a plan that cannot be split; `code` is stable, `message` is one line fit for a user. */
export class PlanError extends Error {
  readonly code:
    | 'INVALID_URL'
    | 'INVALID_NUMBER'
    | 'CONFLICTING_LIMITS'
    | 'INVALID_CLIENT'
    | 'INVALID_MODEL'
    | 'INVALID_METHOD'
    | 'INVALID_STAGES'
    | 'INVALID_PROTOCOL'
    | 'INVALID_ENDPOINT'
    | 'INVALID_HEADER'
    | 'INVALID_FLOW'
    | 'INVALID_TEMPLATE'
    | 'INVALID_JSON_PATH'
    | 'INVALID_DATA'
    | 'UNSPLITTABLE_PLAN';
  /**
   * Where in a scenario file the mistake is, as the file's keys and indexes (`['flow', 1, 'headers', 'x-id']`),
   * when the plan knows it: a scenario loader turns it into file:line:col.
   */
  field: Array<string | number> | undefined;
  constructor(code: PlanError['code'], message: string, field?: Array<string | number>) {
    super(message);
    this.name = 'PlanError';
    this.code = code;
    this.field = field;
  }
}

export function positiveInteger(name: string, value: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new PlanError('INVALID_NUMBER', `${name} must be a whole number from 1 to ${max}, got ${value}`);
  }
  return value;
}

export function nonNegative(name: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new PlanError('INVALID_NUMBER', `${name} must be a number from 0 to ${max}, got ${value}`);
  }
  return value;
}
