import { addInPlace, BucketArena, type EncodedHistogram, readEncodedHistogram } from './encoded-histogram.js';
import { type GeneratorHealth, mergeHealth } from './health.js';
import { createIntervalHistogram, createTotalHistogram, type Histogram } from './histogram.js';
import { addCounts, type CheckCount, countMap, type EndpointInterval, type IntervalData } from './interval.js';
import { addClassBuckets, type ClassTally } from './status-classes.js';

/** One named request's share of a merged interval. */
export interface MergedEndpointInterval {
  readonly histogram: Histogram;
  readonly byStatus: Record<string, number>;
  readonly byError: Record<string, number>;
  /** Its latencies by status class, in the Prometheus buckets. */
  readonly classes: ClassTally;
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
  /** Latencies in microseconds (64-bit buckets, so that reports go straight in; at most 2^32 - 1 values). */
  readonly histogram: Histogram;
  /** Open model only: service times; undefined when no report carried one. */
  readonly service: Histogram | undefined;
  readonly byStatus: Record<string, number>;
  readonly byError: Record<string, number>;
  /** The latencies by status class, in the Prometheus buckets. */
  readonly classes: ClassTally;
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

/**
 * A report's latency histogram as the merger holds it until the report is accepted: read into the arena, or
 * added already into the buckets of its interval's histogram (see addInPlace), to be completed or taken back.
 */
export interface LatencyRead {
  /** Number of values it holds. */
  readonly count: number;
  /** Into the interval's histogram: the one it was added into already, if it was. */
  add(into: Histogram): void;
  /** The report is refused: whatever it added is taken back. */
  drop(): void;
}

/** A report's histograms, read and checked before anything is added (so a bad one changes nothing). */
export interface ParsedHistograms {
  latency: LatencyRead;
  service: EncodedHistogram | undefined;
  endpoints: Array<{ endpoint: EndpointInterval; histogram: EncodedHistogram }>;
  iterations: EncodedHistogram | undefined;
}

/** Where parseHistograms reads into: one arena for every report, reset by each. */
const arena = new BucketArena();

/**
 * Reads every histogram of a report; throws on the first that does not decode, having changed nothing. The
 * latency histogram goes straight into the buckets of `into` (the interval's, if it is open) where it can: one
 * pass instead of a read and an add, on the path a merged interval waits on. Subtleness ahead: the result lives
 * in a shared arena and is good only until the next call, so add it (addToSlot), or drop it, before parsing
 * another.
 */
export function parseHistograms(interval: IntervalData, into?: Histogram): ParsedHistograms {
  const service = interval.serviceHistogram;
  arena.reset();
  const parsed = {
    service: service && service.byteLength > 0 ? readEncodedHistogram(service, arena) : undefined,
    endpoints: (interval.endpoints ?? []).map((endpoint) => ({
      endpoint,
      histogram: readEncodedHistogram(endpoint.histogram, arena),
    })),
    iterations: interval.iterationHistogram ? readEncodedHistogram(interval.iterationHistogram, arena) : undefined,
  };
  // Last: the others may throw, and nothing may have been added then.
  const added = into ? addInPlace(interval.histogram, into) : undefined;
  if (added) {
    const latency: LatencyRead = {
      count: added.count,
      add: (target) => {
        if (target !== into) throw new Error('a latency histogram added in place goes into its own target');
        added.commit();
      },
      drop: () => added.undo(),
    };
    return { latency, ...parsed };
  }
  const read = readEncodedHistogram(interval.histogram, arena);
  return { latency: { count: read.count, add: (target) => read.addTo([target]), drop: () => {} }, ...parsed };
}

/**
 * An interval's histograms have 32-bit buckets (its latency histogram 64-bit ones, so that reports go straight
 * in, but it is encoded and read as the others are): none of them may hold more values than this.
 */
const MAX_INTERVAL_VALUES = 2 ** 32 - 1;

/**
 * Why adding `parsed` into `slot` (undefined: into a new one) would take a histogram past what its 32-bit buckets
 * hold, or undefined. No bucket holds more than its histogram's total, so the totals are checked, and a report
 * with counts no engine could send is refused before any bucket wraps. Class histograms are parts of the latency
 * histogram (their counts are checked against its statuses), so they are within it.
 */
export function overflowOf(slot: Slot | undefined, parsed: ParsedHistograms): string | undefined {
  const over = (h: Histogram | undefined, n: number): boolean => (h?.totalCount ?? 0) + n > MAX_INTERVAL_VALUES;
  const tooMany = (what: string) => `${what}: the interval would hold more than ${MAX_INTERVAL_VALUES} values`;
  if (over(slot?.histogram, parsed.latency.count)) return tooMany('latency histogram');
  if (parsed.service && over(slot?.service, parsed.service.count)) return tooMany('service-time histogram');
  if (parsed.iterations && over(slot?.flow?.histogram, parsed.iterations.count)) return tooMany('iteration histogram');
  for (const { endpoint, histogram } of parsed.endpoints) {
    if (over(slot?.endpoints.get(endpoint.name)?.histogram, histogram.count)) return tooMany(endpoint.name);
  }
  return undefined;
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
  classes: ClassTally;
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
    histogram: createTotalHistogram(),
    service: undefined,
    byStatus: countMap(),
    byError: countMap(),
    classes: new Map(),
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
 * Adds one checked report into `slot`. A carried report (an earlier seq's, arriving after that seq went out)
 * adds its figures but not its time span, so the emitted intervals' times still follow their seqs.
 */
export function addToSlot(slot: Slot, interval: IntervalData, parsed: ParsedHistograms, carried: boolean): void {
  parsed.latency.add(slot.histogram);
  addClassBuckets(slot.classes, interval.classBuckets);
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
        classes: new Map(),
        checks: new Map(),
        expected: 0,
      };
      slot.endpoints.set(endpoint.name, mine);
    }
    histogram.addTo([mine.histogram]);
    addClassBuckets(mine.classes, endpoint.classBuckets);
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
