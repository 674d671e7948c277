import type { GeneratorHealth } from './health.js';
import type { RequestCounts } from './result.js';
import type { ClassBuckets } from './status-classes.js';

/** Everything one recorder measured in [startMs, endMs) of the run's clock: the unit that crosses processes. */
export interface IntervalData {
  seq: number;
  startMs: number;
  endMs: number;
  /** HdrHistogram V2 encoding (plain: encodeHistogram) of response latencies, in microseconds. */
  histogram: Uint8Array;
  /** Responses by HTTP status code. */
  byStatus: Record<string, number>;
  /** Requests that ended without a response, by error kind. */
  byError: Record<string, number>;
  /** The responses' latencies by status class, in the Prometheus buckets: each class with responses, lowest first. */
  classBuckets?: ClassBuckets[] | undefined;
  bytesSent: number;
  bytesReceived: number;
  /**
   * Open model only: HdrHistogram of the same responses measured from the actual send (service time), while
   * `histogram` measures them from the intended send (corrected for coordinated omission). Empty when closed.
   */
  serviceHistogram?: Uint8Array | undefined;
  /** Open model only: requests sent later than they were meant to be (no free connection, or no CPU). */
  late?: number | undefined;
  /** Open model only: sends due before the end that never went out, every connection being busy (k6's dropped_iterations). */
  dropped?: number | undefined;
  /** Scenario runs only: the same interval per named request (or flow step), in the plan's order. */
  endpoints?: EndpointInterval[] | undefined;
  /** Flows only: iterations that ended in this interval. */
  iterations?: number | undefined;
  /** Flows only: HdrHistogram of those iterations' durations (µs, think time included). */
  iterationHistogram?: Uint8Array | undefined;
  /** Flows only: iterations that began in this interval (each took one row of every data set). */
  iterationsStarted?: number | undefined;
  /** Flows only: responses outside 2xx/3xx that a status check expected: ok, not failures. */
  expected?: number | undefined;
  /** How loaded the generator was (event-loop lag, CPU); absent from engines that were not asked to measure it. */
  health?: GeneratorHealth | undefined;
}

/** One check's tally: a step's status, body, JSON or header check. */
export interface CheckCount {
  name: string;
  passed: number;
  failed: number;
}

/** One named request's share of an interval (a scenario's request, picked by weight). */
export interface EndpointInterval {
  name: string;
  histogram: Uint8Array;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  /** As IntervalData's, for this request. */
  classBuckets?: ClassBuckets[] | undefined;
  /** Flows only: the step's checks, in its order. */
  checks?: CheckCount[] | undefined;
  /** Flows only: this step's responses outside 2xx/3xx that its status check expected. */
  expected?: number | undefined;
}

/**
 * An empty count map (byStatus or byError) without a prototype: keys come from the wire, and a key such as
 * `constructor` or `__proto__` must count like any other instead of reaching Object.prototype.
 *
 * Subtleness ahead: its integer keys are kept sparse. V8 stores keys such as "200" as array elements, in an array
 * as long as the highest status; every `for in` and `Object.keys` over a map of statuses (the merger makes two per
 * report) then walked 200-600 slots for two or three statuses. A key set far out and deleted turns the elements
 * into a dictionary, which HTTP statuses (100-999, a few at a time) never make dense enough to turn back: the
 * walks of a report's three statuses went from 2.8 to 0.6 µs (Node 20, 22 and 24 alike).
 */
export function countMap(): Record<string, number> {
  const counts = Object.create(null) as Record<string, number>;
  counts[SPARSE_INDEX] = 0;
  delete counts[SPARSE_INDEX];
  return counts;
}
const SPARSE_INDEX = 4_294_967_294;

/** Sums a count map (byStatus or byError). */
export function sumCounts(counts: Record<string, number>): number {
  let n = 0;
  for (const k of Object.keys(counts)) n += counts[k] ?? 0;
  return n;
}

/** Adds `from` into `into`, key by key; `into` should come from `countMap()`, so no key is inherited. */
export function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const k of Object.keys(from)) into[k] = (Object.hasOwn(into, k) ? (into[k] as number) : 0) + (from[k] ?? 0);
}

/**
 * Request counts from statuses and errors: ok are the 2xx and 3xx responses (not a status 0 or 1xx a crafted
 * interval may hold) and, in a flow, the other responses a status check expected; errors are requests with no
 * response.
 */
export function requestCounts(
  byStatus: Record<string, number>,
  byError: Record<string, number>,
  expected = 0,
): RequestCounts {
  const errors = sumCounts(byError);
  const responses = sumCounts(byStatus);
  let ok = 0;
  for (const [status, n] of Object.entries(byStatus)) if (Number(status) >= 200 && Number(status) < 400) ok += n;
  // A crafted interval cannot make more responses ok than there are.
  ok = Math.min(responses, ok + expected);
  return { total: responses + errors, ok, errors, byStatus: { ...byStatus }, byError: { ...byError } };
}
