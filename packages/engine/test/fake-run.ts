import assert from 'node:assert/strict';
import {
  createIntervalHistogram,
  createTotalHistogram,
  decodeHistogram,
  encodeHistogram,
  type Histogram,
  type IntervalData,
  sumCounts,
} from '@volley/metrics';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { type RunHandle, type RunStats, startRun } from '../src/index.js';
import { FakeClock } from './fake-clock.js';
import { type Answer, FakeStrategy, type Sent } from './fake-network.js';

/** A run on virtual time against the fake network, started at time 0 and not yet moved on. */
export interface FakeRun {
  clock: FakeClock;
  net: FakeStrategy;
  handle: RunHandle;
  intervals: IntervalData[];
}

/** Starts a run of `input` (any URL will do: nothing leaves the process) on a fake clock and network. */
export function startFakeRun(input: Omit<PlanInput, 'url'>, answer: (sent: Sent) => Answer): FakeRun {
  const clock = new FakeClock();
  const net = new FakeStrategy(clock, answer);
  const intervals: IntervalData[] = [];
  const plan = resolvePlan({ url: 'http://fake.test/', ...input });
  const handle = startRun(plan, (i) => intervals.push(i), { clock, strategy: net });
  return { clock, net, handle, intervals };
}

/** What a whole run measured, its intervals added up. */
export interface Totals {
  stats: RunStats;
  responses: number;
  errors: number;
  byError: Record<string, number>;
  late: number;
  dropped: number;
  latency: Histogram;
  service: Histogram;
}

/** Moves time on until the run has ended (every timer fired), and adds up what it measured. */
export async function finish(run: FakeRun): Promise<Totals> {
  run.clock.runAll();
  // `done` resolved inside runAll() if the run ended; a run still going would otherwise hang the test.
  const stats = await Promise.race([run.handle.done, Promise.resolve(undefined)]);
  assert.ok(stats, 'the run ended once its timers had all fired');
  assert.equal(run.net.inFlight, 0, 'nothing left in flight');
  assert.ok(
    run.net.connections.every((c) => c.closed),
    'every connection closed at the end',
  );
  return totalsOf(stats, run.intervals);
}

export function totalsOf(stats: RunStats, intervals: readonly IntervalData[]): Totals {
  const totals: Totals = {
    stats,
    responses: 0,
    errors: 0,
    byError: {},
    late: 0,
    dropped: 0,
    latency: createTotalHistogram(),
    service: createTotalHistogram(),
  };
  for (const i of intervals) {
    totals.responses += sumCounts(i.byStatus);
    totals.errors += sumCounts(i.byError);
    for (const [k, n] of Object.entries(i.byError)) totals.byError[k] = (totals.byError[k] ?? 0) + n;
    totals.late += i.late ?? 0;
    totals.dropped += i.dropped ?? 0;
    totals.latency.add(decodeHistogram(i.histogram));
    if (i.serviceHistogram) totals.service.add(decodeHistogram(i.serviceHistogram));
  }
  return totals;
}

/**
 * A histogram holding exactly these latencies (ms, recorded in µs as the engine does), to compare a measured one
 * with. It goes through the interval encoding as a measured one does (decoding keeps buckets, not the exact max),
 * so equal distributions print the same, bucket by bucket.
 */
export function histogramOf(latenciesMs: readonly number[]): Histogram {
  const recorded = createIntervalHistogram();
  for (const ms of latenciesMs) recorded.recordValue(Math.max(1, Math.round(ms * 1000)));
  const h = createTotalHistogram();
  h.add(decodeHistogram(encodeHistogram(recorded)));
  return h;
}

/** Asserts two histograms hold the same values (to the histogram's resolution). */
export function assertSameHistogram(actual: Histogram, expected: Histogram, what: string): void {
  assert.equal(actual.totalCount, expected.totalCount, `${what}: count`);
  assert.equal(actual.outputPercentileDistribution(), expected.outputPercentileDistribution(), what);
}
