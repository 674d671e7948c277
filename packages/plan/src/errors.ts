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
    // A bound no one could reach (2^53 - 1) says nothing to a user: leave it out.
    const range = max === Number.MAX_SAFE_INTEGER ? 'of at least 1' : `from 1 to ${max}`;
    throw new PlanError('INVALID_NUMBER', `${name} must be a whole number ${range}, got ${value}`);
  }
  return value;
}

/** A whole number of milliseconds from 1 to `maxMs`; the error speaks in the units the user types (1ms, 1h). */
export function positiveDuration(name: string, ms: number, maxMs: number): number {
  if (!Number.isInteger(ms) || ms < 1 || ms > maxMs) {
    const got = Number.isFinite(ms) ? formatDuration(ms) : String(ms);
    throw new PlanError('INVALID_NUMBER', `${name} must be from 1ms to ${formatDuration(maxMs)}, got ${got}`);
  }
  return ms;
}

/** Milliseconds in the largest unit that divides them: 3600000 is 1h, 90000 is 90s, 250 is 250ms. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms !== 0 && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function nonNegative(name: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new PlanError('INVALID_NUMBER', `${name} must be a number from 0 to ${max}, got ${value}`);
  }
  return value;
}
