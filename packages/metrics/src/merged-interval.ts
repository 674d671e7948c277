import { BucketArena, type EncodedHistogram, readEncodedHistogram } from './encoded-histogram.js';
import { type GeneratorHealth, mergeHealth } from './health.js';
import { createIntervalHistogram, encodeHistogram, type Histogram } from './histogram.js';
import {
  addCounts,
  type CheckCount,
  countMap,
  type EndpointInterval,
  type IntervalData,
  sumCounts,
} from './interval.js';
import type { IntervalSummary } from './result.js';
import { summarize } from './summary.js';

/** One named request's share of a merged interval. */
export interface MergedEndpointInterval {
  readonly histogram: Histogram;
  readonly byStatus: Record<string, number>;
  readonly byError: Record<string, number>;
  /** Flows: each check's tally, by name, in the order first reported. */
  readonly checks: Map<string, { passed: number; failed: number }>;
  /** Flows: responses outside 2xx/3xx that the step's status check expected. */
  expected: number;
}

/** A flow's figures in a merged interval: iterations ended and begun, their durations, expected statuses. */
export interface MergedFlow {
  iterations: number;
  started: number;
  expected: number;
  /** Iteration durations, in microseconds. */
  readonly histogram: Histogram;
}

/**
 * One interval merged over every member that reported it: histograms added (never averaged), counts summed.
 * Its histograms belong to the merger and are released once the callback that received it returns: encode,
 * summarise or add them into something of your own inside the callback.
 */
export interface MergedInterval {
  readonly seq: number;
  /** The earliest start and the latest end among the reports of this seq (not of carried late data). */
  readonly startMs: number;
  readonly endMs: number;
  /** Latencies in microseconds (32-bit counts, like a recorder's). */
  readonly histogram: Histogram;
  /** Open model only: service times; undefined when no report carried one. */
  readonly service: Histogram | undefined;
  readonly byStatus: Record<string, number>;
  readonly byError: Record<string, number>;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly late: number;
  readonly dropped: number;
  /** Scenario runs only: per named request, in the order first reported. */
  readonly endpoints: ReadonlyMap<string, MergedEndpointInterval>;
  /** Flows only: undefined when no report carried flow figures. */
  readonly flow: MergedFlow | undefined;
  /** The worst of the reports' generator health (an agent's threads); undefined when none carried one. */
  readonly health: GeneratorHealth | undefined;
  /** Reports of this seq merged in. */
  readonly reports: number;
  /** Reports of earlier, already emitted seqs carried into this one so that they still count (see IntervalMerger). */
  readonly carried: number;
}

/** A report's histograms, read and checked before anything is added (so a bad one changes nothing). */
export interface ParsedHistograms {
  latency: EncodedHistogram;
  service: EncodedHistogram | undefined;
  endpoints: Array<{ endpoint: EndpointInterval; histogram: EncodedHistogram }>;
  iterations: EncodedHistogram | undefined;
}

/** Where parseHistograms reads into: one arena for every report, reset by each. */
const arena = new BucketArena();

/**
 * Reads every histogram of a report; throws on the first that does not decode. Subtleness ahead: the result
 * lives in a shared arena and is good only until the next call, so add it (addToSlot) before parsing another.
 */
export function parseHistograms(interval: IntervalData): ParsedHistograms {
  const service = interval.serviceHistogram;
  arena.reset();
  return {
    latency: readEncodedHistogram(interval.histogram, arena),
    service: service && service.byteLength > 0 ? readEncodedHistogram(service, arena) : undefined,
    endpoints: (interval.endpoints ?? []).map((endpoint) => ({
      endpoint,
      histogram: readEncodedHistogram(endpoint.histogram, arena),
    })),
    iterations: interval.iterationHistogram ? readEncodedHistogram(interval.iterationHistogram, arena) : undefined,
  };
}

/** The mutable accumulator behind a MergedInterval; only the merger writes to it. */
export interface Slot {
  seq: number;
  startMs: number;
  endMs: number;
  histogram: Histogram;
  service: Histogram | undefined;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  bytesSent: number;
  bytesReceived: number;
  late: number;
  dropped: number;
  endpoints: Map<string, MergedEndpointInterval>;
  flow: MergedFlow | undefined;
  health: GeneratorHealth | undefined;
  reports: number;
  carried: number;
}

/** An empty interval for `seq`, spanning the first report's time until others widen it. */
export function openSlot(seq: number, startMs: number, endMs: number): Slot {
  return {
    seq,
    startMs,
    endMs,
    histogram: createIntervalHistogram(),
    service: undefined,
    byStatus: countMap(),
    byError: countMap(),
    bytesSent: 0,
    bytesReceived: 0,
    late: 0,
    dropped: 0,
    endpoints: new Map(),
    flow: undefined,
    health: undefined,
    reports: 0,
    carried: 0,
  };
}

/**
 * Adds one checked report into `slot`; the latency histogram also goes into `alsoInto` in the same pass.
 * A carried report (an earlier seq's, arriving after that seq went out) adds its figures but not its time span,
 * so the emitted intervals' times still follow their seqs.
 */
export function addToSlot(
  slot: Slot,
  interval: IntervalData,
  parsed: ParsedHistograms,
  alsoInto: readonly Histogram[],
  carried: boolean,
): void {
  parsed.latency.addTo(alsoInto.length > 0 ? [slot.histogram, ...alsoInto] : [slot.histogram]);
  if (parsed.service) {
    slot.service ??= createIntervalHistogram();
    parsed.service.addTo([slot.service]);
  }
  addCounts(slot.byStatus, interval.byStatus);
  addCounts(slot.byError, interval.byError);
  slot.bytesSent += interval.bytesSent;
  slot.bytesReceived += interval.bytesReceived;
  slot.late += interval.late ?? 0;
  slot.dropped += interval.dropped ?? 0;
  for (const { endpoint, histogram } of parsed.endpoints) {
    let mine = slot.endpoints.get(endpoint.name);
    if (!mine) {
      mine = {
        histogram: createIntervalHistogram(),
        byStatus: countMap(),
        byError: countMap(),
        checks: new Map(),
        expected: 0,
      };
      slot.endpoints.set(endpoint.name, mine);
    }
    histogram.addTo([mine.histogram]);
    addCounts(mine.byStatus, endpoint.byStatus);
    addCounts(mine.byError, endpoint.byError);
    addChecks(mine.checks, endpoint.checks);
    mine.expected += endpoint.expected ?? 0;
  }
  if (parsed.iterations) {
    slot.flow ??= { iterations: 0, started: 0, expected: 0, histogram: createIntervalHistogram() };
    parsed.iterations.addTo([slot.flow.histogram]);
    slot.flow.iterations += interval.iterations ?? 0;
    slot.flow.started += interval.iterationsStarted ?? 0;
    slot.flow.expected += interval.expected ?? 0;
  }
  if (carried) {
    // Its health describes an interval already gone out; the figures count, the reading of that moment does not.
    slot.carried++;
    return;
  }
  if (interval.health) slot.health = mergeHealth(slot.health, interval.health);
  slot.reports++;
  slot.startMs = Math.min(slot.startMs, interval.startMs);
  slot.endMs = Math.max(slot.endMs, interval.endMs);
}

/** Frees a slot's histograms once its interval has been emitted. */
export function releaseSlot(slot: Slot): void {
  slot.histogram.destroy();
  slot.service?.destroy();
  for (const e of slot.endpoints.values()) e.histogram.destroy();
  slot.flow?.histogram.destroy();
}

/** Adds check tallies by name, keeping the order they were first seen in. */
export function addChecks(
  into: Map<string, { passed: number; failed: number }>,
  from: readonly CheckCount[] | Iterable<[string, { passed: number; failed: number }]> | undefined,
): void {
  if (!from) return;
  for (const c of from) {
    const [name, tally] = Array.isArray(c) ? c : [(c as CheckCount).name, c as CheckCount];
    const mine = into.get(name);
    if (mine) {
      mine.passed += tally.passed;
      mine.failed += tally.failed;
    } else into.set(name, { passed: tally.passed, failed: tally.failed });
  }
}

/**
 * The wire form of a merged interval, as one engine would have recorded it: an engine's threads send this to
 * the agent's sink. Like the recorder, `late` comes with a service histogram and `dropped` only when non-zero.
 */
export function encodeMergedInterval(m: MergedInterval): IntervalData {
  const data: IntervalData = {
    seq: m.seq,
    startMs: m.startMs,
    endMs: m.endMs,
    histogram: encodeHistogram(m.histogram),
    byStatus: { ...m.byStatus },
    byError: { ...m.byError },
    bytesSent: m.bytesSent,
    bytesReceived: m.bytesReceived,
  };
  if (m.service) {
    data.serviceHistogram = encodeHistogram(m.service);
    data.late = m.late;
    if (m.dropped > 0) data.dropped = m.dropped;
  }
  if (m.health) data.health = { ...m.health };
  if (m.endpoints.size > 0) {
    data.endpoints = [...m.endpoints].map(
      ([name, e]): EndpointInterval => ({
        name,
        histogram: encodeHistogram(e.histogram),
        byStatus: { ...e.byStatus },
        byError: { ...e.byError },
        ...(e.checks.size > 0
          ? { checks: [...e.checks].map(([name, t]) => ({ name, passed: t.passed, failed: t.failed })) }
          : {}),
        ...(e.expected > 0 ? { expected: e.expected } : {}),
      }),
    );
  }
  if (m.flow) {
    data.iterations = m.flow.iterations;
    data.iterationHistogram = encodeHistogram(m.flow.histogram);
    data.iterationsStarted = m.flow.started;
    data.expected = m.flow.expected;
  }
  return data;
}

/** Responses with a status of 400 or more. */
function failedStatuses(byStatus: Record<string, number>): number {
  let n = 0;
  for (const status of Object.keys(byStatus)) if (Number(status) >= 400) n += byStatus[status] ?? 0;
  return n;
}

/** The result document's view of a merged interval: t in seconds since the start, percentiles in ms. */
export function summarizeMergedInterval(m: MergedInterval): IntervalSummary {
  const s = summarize(m.histogram);
  const errors = sumCounts(m.byError);
  const requests = sumCounts(m.byStatus) + errors;
  const durationMs = Math.max(0, m.endMs - m.startMs);
  const failed = failedStatuses(m.byStatus);
  return {
    t: m.startMs / 1000,
    durationMs,
    requests,
    errors,
    // Responses per second: a request that failed without one (refused, reset) is not throughput.
    rps: durationMs > 0 ? Math.round(((requests - errors) * 1000 * 10) / durationMs) / 10 : 0,
    p50: s.p50,
    p90: s.p90,
    p99: s.p99,
    max: s.max,
    histogram: s.histogram,
    ...(m.late > 0 ? { late: m.late } : {}),
    ...(m.dropped > 0 ? { dropped: m.dropped } : {}),
    ...(failed > 0 ? { failed } : {}),
  };
}
