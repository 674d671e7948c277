import { createIntervalHistogram, encodeHistogram, type Histogram } from './histogram.js';
import type { EndpointInterval, IntervalData } from './interval.js';
import { bucketsOf, ClassSplit } from './status-classes.js';

// Status codes are three digits (undici rejects anything else), so a flat array indexed by code is the cheapest
// counter on the hot path.
const STATUS_SLOTS = 1000;

/**
 * Records one interval of a run: a latency histogram, counts by status and by error kind, bytes.
 * The hot path calls recordResponse/recordError once per request; snapshot() runs once per interval.
 */
export class Recorder {
  private histogram: Histogram = createIntervalHistogram();
  /** The same latencies by status class, kept apart only in an interval with more than one. */
  private readonly classes = new ClassSplit();
  /** Service time (from the actual send), recorded by the open model only. */
  private service: Histogram | undefined;
  private late = 0;
  private dropped = 0;
  private readonly statuses = new Float64Array(STATUS_SLOTS);
  private readonly errors = new Map<string, number>();
  private bytesSent = 0;
  private bytesReceived = 0;
  private count = 0;
  /** Scenario runs: one recorder per named request, fed alongside this one. */
  private readonly endpoints: Array<{ name: string; recorder: Recorder; checks: string[]; tally: Float64Array }>;
  /** Flows: iteration durations; undefined for runs of fixed requests. */
  private iterationHistogram: Histogram | undefined;
  private iterations = 0;
  private iterationsStarted = 0;
  private expected = 0;

  /**
   * `endpointNames`: the scenario's named requests (or a flow's steps), if any; `recordResponse(..., i)` counts
   * one for request i. `flow`: the checks of each step, by name, for a flow's run (iterations are recorded too).
   */
  constructor(endpointNames: readonly string[] = [], flow?: { checks: ReadonlyArray<readonly string[]> }) {
    this.endpoints = endpointNames.map((name, i) => {
      const checks = [...(flow?.checks[i] ?? [])];
      // Passed and failed of check k at 2k and 2k + 1.
      return { name, recorder: new Recorder(), checks, tally: new Float64Array(checks.length * 2) };
    });
    if (flow) this.iterationHistogram = createIntervalHistogram();
  }

  /** Flows: check `check` of step `endpoint` passed or failed. */
  recordCheck(endpoint: number, check: number, passed: boolean): void {
    const tally = this.endpoints[endpoint]?.tally;
    if (tally) tally[check * 2 + (passed ? 0 : 1)] = (tally[check * 2 + (passed ? 0 : 1)] ?? 0) + 1;
  }

  /** Flows: a response of step `endpoint` had a status outside 2xx/3xx that its status check expected. */
  recordExpected(endpoint: number): void {
    this.expected++;
    const e = this.endpoints[endpoint];
    if (e) e.recorder.expected++;
  }

  /** Flows: an iteration began (it took a row of every data set). */
  recordIterationStart(): void {
    this.iterationsStarted++;
  }

  /** Flows: an iteration ended after `durationUs` (think time included). */
  recordIteration(durationUs: number): void {
    this.iterations++;
    this.iterationHistogram?.recordValue(Math.max(1, Math.round(durationUs)));
  }

  /** A response arrived: its status, its latency in integer microseconds, the bytes it took both ways. */
  recordResponse(status: number, latencyUs: number, bytesSent: number, bytesReceived: number, endpoint = -1): void {
    if (endpoint >= 0) this.endpoints[endpoint]?.recorder.recordResponse(status, latencyUs, 0, 0);
    const value = Math.max(1, latencyUs);
    const slot = status < STATUS_SLOTS ? status : 0;
    // Class 0 for statuses below 100 (none come from undici) and the slot of those beyond 999.
    const statusClass = slot < 100 ? 0 : (slot / 100) | 0;
    if (statusClass !== this.classes.only) this.classes.apart(statusClass, this.histogram)?.recordValue(value);
    this.histogram.recordValue(value);
    this.statuses[slot] = (this.statuses[slot] as number) + 1;
    this.bytesSent += bytesSent;
    this.bytesReceived += bytesReceived;
    this.count++;
  }

  /**
   * An open-model response: `latencyUs` from the intended send time (corrected for coordinated omission),
   * `serviceUs` from the moment it was actually sent.
   */
  recordScheduledResponse(
    status: number,
    latencyUs: number,
    serviceUs: number,
    bytesSent: number,
    bytesReceived: number,
    endpoint = -1,
  ): void {
    this.service ??= createIntervalHistogram();
    this.service.recordValue(Math.max(1, serviceUs));
    this.recordResponse(status, latencyUs, bytesSent, bytesReceived, endpoint);
  }

  /** An open-model request went out later than scheduled. */
  recordLate(): void {
    this.late++;
  }

  /** Open-model sends that were due before the end but never went out (no connection came free in time). */
  recordDropped(count: number): void {
    this.dropped += count;
  }

  /** A request ended without a response; `kind` is its classified error. */
  recordError(kind: string, bytesSent: number, endpoint = -1): void {
    if (endpoint >= 0) this.endpoints[endpoint]?.recorder.recordError(kind, 0);
    this.errors.set(kind, (this.errors.get(kind) ?? 0) + 1);
    this.bytesSent += bytesSent;
    this.count++;
  }

  /** Requests recorded since the last snapshot. */
  get recorded(): number {
    return this.count;
  }

  /** Takes everything recorded since the last snapshot, as plain data, and starts a new interval. */
  snapshot(seq: number, startMs: number, endMs: number): IntervalData {
    const byStatus: Record<string, number> = {};
    for (let s = 0; s < STATUS_SLOTS; s++) {
      const n = this.statuses[s] ?? 0;
      if (n > 0) byStatus[String(s)] = n;
    }
    const byError: Record<string, number> = Object.fromEntries(this.errors);
    const data: IntervalData = {
      seq,
      startMs,
      endMs,
      histogram: encodeHistogram(this.histogram),
      byStatus,
      byError,
      bytesSent: this.bytesSent,
      bytesReceived: this.bytesReceived,
    };
    const classes = this.classes.entries(this.histogram);
    if (classes.length > 0) data.classBuckets = classes.map(([statusClass, h]) => ({ statusClass, ...bucketsOf(h) }));
    if (this.endpoints.length > 0) {
      data.endpoints = this.endpoints.map(({ name, recorder, checks, tally }): EndpointInterval => {
        const expected = recorder.expected;
        recorder.expected = 0;
        const { histogram, byStatus, byError, classBuckets } = recorder.snapshot(seq, startMs, endMs);
        const endpoint: EndpointInterval = { name, histogram, byStatus, byError };
        if (classBuckets) endpoint.classBuckets = classBuckets;
        if (checks.length > 0) {
          endpoint.checks = checks.map((check, k) => ({
            name: check,
            passed: tally[k * 2] ?? 0,
            failed: tally[k * 2 + 1] ?? 0,
          }));
          tally.fill(0);
        }
        if (expected > 0) endpoint.expected = expected;
        return endpoint;
      });
    }
    if (this.iterationHistogram) {
      data.iterations = this.iterations;
      data.iterationHistogram = encodeHistogram(this.iterationHistogram);
      data.iterationsStarted = this.iterationsStarted;
      data.expected = this.expected;
      this.iterationHistogram.reset();
      this.iterations = 0;
      this.iterationsStarted = 0;
      this.expected = 0;
    }
    if (this.service) {
      data.serviceHistogram = encodeHistogram(this.service);
      data.late = this.late;
      if (this.dropped > 0) data.dropped = this.dropped;
      this.service.reset();
      this.late = 0;
      this.dropped = 0;
    }
    this.histogram.reset();
    this.classes.reset();
    this.statuses.fill(0);
    this.errors.clear();
    this.bytesSent = 0;
    this.bytesReceived = 0;
    this.count = 0;
    return data;
  }
}
