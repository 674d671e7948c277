// What a report's counts must be before it is merged, checked in one place: every count a number a sum can hold,
// the statuses summed once (by class), and the histograms holding a value for each response they count.
import type { IntervalData } from './interval.js';
import type { ParsedHistograms } from './merged-interval.js';
import { classMismatch, responsesByClass } from './status-classes.js';

/** A map of statuses summed by class (see responsesByClass), and their sum: the responses. */
interface StatusTally {
  byClass: number[];
  responses: number;
}

/** A report's counts, summed once: its statuses, its errors, and each endpoint's statuses in the report's order. */
export interface Tally extends StatusTally {
  errors: number;
  endpoints: StatusTally[];
}

/**
 * A report's counts, checked and summed: undefined if a count, or a sum of them, is not a number a sum can hold
 * (finite, not negative). Each of its count maps is gone through once, its validity and its sums together: a
 * null-prototype map of statuses costs a walk over an array as long as its highest status, so not five a report.
 */
export function tallyCounts(interval: IntervalData): Tally | undefined {
  const own = statusTally(interval.byStatus);
  const errors = checkedSum(interval.byError);
  if (!own || errors < 0 || !validCounts(interval)) return undefined;
  // Counts each finite may still add up to no number a sum can hold.
  if (!(own.responses + errors < Number.POSITIVE_INFINITY)) return undefined;
  const endpoints: StatusTally[] = [];
  for (const e of interval.endpoints ?? []) {
    const tally = statusTally(e.byStatus);
    if (!tally) return undefined;
    endpoints.push(tally);
  }
  return { ...own, errors, endpoints };
}

/** Statuses by class and their sum, or undefined if a count or the sum is not a number a sum can hold. */
function statusTally(byStatus: Record<string, number>): StatusTally | undefined {
  const byClass = responsesByClass(byStatus);
  if (!byClass) return undefined;
  const responses = byClass.reduce((a, b) => a + b, 0);
  return responses < Number.POSITIVE_INFINITY ? { byClass, responses } : undefined;
}

/** A count map's sum, or -1 if a count or the sum is not a number a sum can hold (finite, not negative). */
function checkedSum(counts: Record<string, number>): number {
  let sum = 0;
  for (const k in counts) {
    const n = counts[k];
    if (typeof n !== 'number' || !(n >= 0 && n < Number.POSITIVE_INFINITY)) return -1;
    sum += n;
  }
  return sum < Number.POSITIVE_INFINITY ? sum : -1;
}

/**
 * Counts from the wire must be numbers a sum can hold: finite and not negative. The maps of statuses, the
 * report's and its endpoints', and the report's errors are checked as they are summed (see tallyCounts).
 */
function validCounts(interval: IntervalData): boolean {
  const ok = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 0;
  const okMap = (counts: Record<string, number>): boolean => checkedSum(counts) >= 0;
  if (!ok(interval.bytesSent) || !ok(interval.bytesReceived)) return false;
  if (
    (interval.late !== undefined && !ok(interval.late)) ||
    (interval.dropped !== undefined && !ok(interval.dropped))
  ) {
    return false;
  }
  const h = interval.health;
  if (h && ![h.lagP99Ms, h.lagMaxMs, h.cpu, h.processCpu, h.threads].every(ok)) return false;
  const flowCounts = [interval.iterations, interval.iterationsStarted, interval.expected];
  if (flowCounts.some((n) => n !== undefined && !ok(n))) return false;
  return (interval.endpoints ?? []).every(
    (e) =>
      okMap(e.byError) &&
      (e.expected === undefined || ok(e.expected)) &&
      (e.checks ?? []).every((c) => ok(c.passed) && ok(c.failed)),
  );
}

/**
 * Every response has one latency: a histogram whose count differs from its responses was not recorded by an
 * engine, and merging it would skew percentiles against the counts. Returns why, or undefined if they agree.
 */
export function countMismatch(interval: IntervalData, parsed: ParsedHistograms, tally: Tally): string | undefined {
  const { responses } = tally;
  if (parsed.latency.count !== responses) {
    return `latency histogram holds ${parsed.latency.count} values for ${responses} responses`;
  }
  const classes = classMismatch('the interval', tally.byClass, interval.classBuckets);
  if (classes) return classes;
  if (parsed.service && parsed.service.count !== responses) {
    return `service-time histogram holds ${parsed.service.count} values for ${responses} responses`;
  }
  for (const [i, { endpoint, histogram }] of parsed.endpoints.entries()) {
    const { byClass, responses: own } = tally.endpoints[i] as StatusTally;
    if (histogram.count !== own) return `histogram of ${endpoint.name} holds ${histogram.count} values for ${own}`;
    const mismatch = classMismatch(endpoint.name, byClass, endpoint.classBuckets);
    if (mismatch) return mismatch;
  }
  if (parsed.iterations && parsed.iterations.count !== (interval.iterations ?? 0)) {
    return `iteration histogram holds ${parsed.iterations.count} values for ${interval.iterations ?? 0} iterations`;
  }
  return undefined;
}
