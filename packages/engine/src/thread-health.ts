import { type EventLoopUtilization, type IntervalHistogram, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { CpuSource, GeneratorHealth } from '@volley/metrics';
import { sleptMs } from './clock.js';

/** How often the event-loop delay is sampled (ms): a timer this often, in native code, costs next to nothing. */
export const LAG_RESOLUTION_MS = 10;

type CpuUsage = { user: number; system: number };
/** Node 23.9 and later: this thread's own CPU time. Not in Node 20's types, hence looked up at run time. */
type ThreadCpuUsage = (previous?: CpuUsage) => CpuUsage;

const threadCpuUsage = (process as unknown as { threadCpuUsage?: ThreadCpuUsage }).threadCpuUsage?.bind(process);

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The health of the thread it runs on, read once per interval: how late its event loop ran (monitorEventLoopDelay
 * samples a timer every LAG_RESOLUTION_MS; what it records beyond that is delay) and how much of a core the thread
 * used. Each engine thread has its own, since a worker's event loop and CPU are its own.
 */
export class ThreadHealth {
  private readonly lag: IntervalHistogram;
  private readonly source: CpuSource = threadCpuUsage ? 'thread' : 'loop';
  private wallAt = 0;
  private elu: EventLoopUtilization | undefined;
  /** sleptMs() at the sample's start: a loop blocked in the pacer's sleep is not busy. */
  private sleptAt = 0;
  private threadCpu: CpuUsage | undefined;
  private processCpu: CpuUsage = { user: 0, system: 0 };
  private running = false;

  constructor() {
    this.lag = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
  }

  /** Starts measuring now: the first sample covers from here. */
  start(): void {
    this.lag.enable();
    this.running = true;
    this.mark();
  }

  /** The thread's health since the last sample (or the start), and a fresh start for the next. */
  sample(): GeneratorHealth {
    if (!this.running) this.start();
    const wallMs = Math.max(performance.now() - this.wallAt, 0.001);
    const cpu = this.threadShare(wallMs);
    const proc = process.cpuUsage(this.processCpu);
    // Recorded delays are timer periods: what exceeds the resolution is the loop's lateness.
    const lateness = (ns: number): number => (this.lag.count > 0 ? Math.max(0, ns / 1e6 - LAG_RESOLUTION_MS) : 0);
    const health: GeneratorHealth = {
      lagP99Ms: round(lateness(this.lag.percentile(99)), 3),
      lagMaxMs: round(lateness(this.lag.max), 3),
      cpu: round(Math.min(1, Math.max(0, cpu)), 4),
      processCpu: round(Math.max(0, (proc.user + proc.system) / 1000 / wallMs), 4),
      threads: 1,
      cpuSource: this.source,
    };
    this.mark();
    return health;
  }

  /** Stops the sampling timer. Idempotent. */
  stop(): void {
    this.lag.disable();
    this.running = false;
  }

  private threadShare(wallMs: number): number {
    if (threadCpuUsage && this.threadCpu) {
      const used = threadCpuUsage(this.threadCpu);
      return (used.user + used.system) / 1000 / wallMs;
    }
    if (!this.elu) return 0;
    // The loop counts the pacer's sleeps (a blocked thread, no CPU) as busy; they are taken out.
    const asleep = (sleptMs() - this.sleptAt) / wallMs;
    return Math.max(0, performance.eventLoopUtilization(this.elu).utilization - asleep);
  }

  private mark(): void {
    this.lag.reset();
    this.wallAt = performance.now();
    this.processCpu = process.cpuUsage();
    if (threadCpuUsage) this.threadCpu = threadCpuUsage();
    else {
      this.elu = performance.eventLoopUtilization();
      this.sleptAt = sleptMs();
    }
  }
}
