import { bucketsOf, createIntervalHistogram, encodeHistogram, RunAggregate } from '@volley/metrics';
import { decode, encode } from '@volley/protocol';
import { pino } from 'pino';
import { RunIntake } from './intake.js';

/**
 * Reports the warm-up merges at most: V8 optimizes a function after some thousands of calls, and the intake's
 * path is some dozens of functions called once a report. With 100 (the warm-up of before) the first interval of
 * 2,000 agents took 55 us a report and the next ones 20; with 4,000, about 25 (half a second of CPU, once).
 */
const WARM_UP_REPORTS = 4000;
/** And at least: what the warm-up of before merged, for the smaller runs. */
const MIN_WARM_UP_REPORTS = 100;
/** From this many agents on, the first admission of a process warms the intake up. */
const WARM_UP_FROM_AGENTS = 10;
let warmed = false;

/** Members of the throwaway run, each a report per seq. */
const MEMBERS = 4;
/** The warm-up yields to the event loop after this long, so joining agents and heartbeats are not kept waiting. */
const SLICE_MS = 5;

/**
 * A controller admitted its `joined`-th agent of `agents`. Interval 0 is every agent's report at once, merged by
 * cold code; agents join before the run starts, so from a few of them on, the intake is made hot, once per
 * process, in slices (the Plans go out meanwhile). As long as the interval it saves is large: two reports an
 * agent, half a second of CPU at most (2,000 agents and more).
 */
export function warmUpOnJoin(joined: number, agents: number): void {
  if (joined !== WARM_UP_FROM_AGENTS || warmed) return;
  warmed = true;
  warmUpIntake(Math.min(WARM_UP_REPORTS, Math.max(MIN_WARM_UP_REPORTS, 2 * agents)));
}

/**
 * Pays the intake's compile costs before the first real interval, whose reports (one from every agent) all come
 * at once: a controller with 2,000 agents merged its first interval in about three times the time of the next.
 * Synthetic reports go the whole way a real one goes (frame bytes, decode, intervalFromWire, the intake's checks,
 * RunAggregate with its deferred totals and summaries), so V8 learns the shapes it will meet: a warm-up of
 * hand-built IntervalData (in metrics, before) left functions optimized for other shapes, which the first real
 * reports threw out again. Runs in slices of a few ms, in later turns; then tells `done` how many requests the
 * throwaway run merged and how many reports its intake dropped (none, or the warm-up took another path).
 */
export function warmUpIntake(reports: number, done?: (outcome: { requests: number; dropped: number }) => void): void {
  const histograms = Array.from({ length: MEMBERS }, (_, m) => {
    const all = createIntervalHistogram();
    // Deterministic spread: a body of values and a tail three decades long, different per member.
    for (let i = 1; i <= 2000; i++) all.recordValue(100 + ((i * 7919 * (m + 1)) % 5000) + (i % 97 === 0 ? i * 50 : 0));
    return { histogram: encodeHistogram(all), classBuckets: [{ statusClass: 2, ...bucketsOf(all) }] };
  });
  const aggregate = new RunAggregate(() => {});
  const plan = { durationMs: 0, intervalMs: 1000, timeoutMs: 1000 };
  const intake = new RunIntake(aggregate, plan, pino({ enabled: false }));
  const members = histograms.map((_, m) => ({ id: `warm-up-${m}`, name: `warm-up-${m}` }));
  for (const { id, name } of members) aggregate.join({ id, name, host: 'warm-up' });
  intake.started();
  let sent = 0;
  const slice = (): void => {
    const until = performance.now() + SLICE_MS;
    for (; sent < reports && performance.now() < until; sent++) {
      const m = sent % MEMBERS;
      const seq = Math.floor(sent / MEMBERS);
      const frame = encode('interval', {
        runId: 'warm-up',
        seq,
        startMs: seq * 1000,
        endMs: (seq + 1) * 1000,
        ...histograms[(m + seq) % MEMBERS],
        statuses: [{ status: 200, count: 2000 }],
        bytesSent: 100_000,
        bytesReceived: 200_000,
        // As an agent's engine threads report their load (CPU_SOURCE_THREAD).
        health: { lagP99Ms: 1, lagMaxMs: 2, cpu: 0.5, processCpu: 0.6, threads: 1, cpuSource: 1 },
      });
      // As a socket delivers it: a Buffer, whose bytes fields decode as Buffers too.
      const msg = decode(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
      if (msg.kind === 'interval') intake.interval(members[m] as (typeof members)[number], msg.body);
    }
    if (sent < reports) {
      setImmediate(slice);
      return;
    }
    const merged = aggregate.merge();
    done?.({ requests: merged.requests.total, dropped: intake.dropped });
  };
  setImmediate(slice);
}
