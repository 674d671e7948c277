/**
 * How loaded the generator itself was during one interval: a saturated generator measures its own queue, not
 * the server, so every agent reports this beside its figures.
 */
export interface GeneratorHealth {
  /** Event-loop delay beyond the sampling timer's resolution, 99th percentile, in ms: the worst engine thread's. */
  lagP99Ms: number;
  /** The longest event-loop delay of any engine thread, in ms. */
  lagMaxMs: number;
  /** The busiest engine thread's share of one core over the interval (0 to 1); `cpuSource` says how it was measured. */
  cpu: number;
  /** The whole process's user + system CPU time over wall time, in cores (every thread, GC and I/O included). */
  processCpu: number;
  /** Engine threads measured. */
  threads: number;
  /**
   * `thread`: the thread's own user + system CPU time over wall time (process.threadCpuUsage, Node 23.9 and
   * later); `loop`: its event loop's utilisation, the share of wall time it was not waiting for I/O
   * (performance.eventLoopUtilization), which is what a busy JavaScript thread spends on the CPU.
   */
  cpuSource: CpuSource;
}

/** How a thread's CPU share was measured (see GeneratorHealth.cpuSource). */
export type CpuSource = 'thread' | 'loop';

/** A thread on more than this share of a core had no room left: its figures include its own queueing. */
export const SATURATED_CPU = 0.9;
/** An event loop late by more than this (p99, ms) delays sends and timestamps by as much. */
export const SATURATED_LAG_MS = 50;
/** An agent saturated for more than this share of its measured time is named as the run's bottleneck. */
export const SATURATED_SHARE = 0.1;

/** The health of one thread and another's, as one engine's: the worst of each figure, the threads added up. */
export function mergeHealth(a: GeneratorHealth | undefined, b: GeneratorHealth): GeneratorHealth {
  if (!a) return { ...b };
  return {
    lagP99Ms: Math.max(a.lagP99Ms, b.lagP99Ms),
    lagMaxMs: Math.max(a.lagMaxMs, b.lagMaxMs),
    cpu: Math.max(a.cpu, b.cpu),
    // Every thread reads the same process-wide clock: the largest reading is the latest, not a sum.
    processCpu: Math.max(a.processCpu, b.processCpu),
    threads: a.threads + b.threads,
    cpuSource: a.cpuSource === 'thread' && b.cpuSource === 'thread' ? 'thread' : 'loop',
  };
}

/** Was the generator saturated during this interval? */
export function isSaturated(h: GeneratorHealth): boolean {
  return h.cpu > SATURATED_CPU || h.lagP99Ms > SATURATED_LAG_MS;
}

/** One agent's health over the run, in the result's `agents[].health`. */
export interface AgentHealth {
  /** Intervals that carried a health report. */
  intervals: number;
  /** The worst interval's event-loop delay p99, and the longest delay seen, in ms. */
  lagP99Ms: number;
  lagMaxMs: number;
  /** The busiest thread's CPU share: averaged over the measured time (weighted by interval length), and its peak. */
  cpuMean: number;
  cpuMax: number;
  /** The process's CPU in cores, averaged over the measured time. */
  processCpuMean: number;
  threads: number;
  cpuSource: CpuSource;
  /** Share of the measured time in intervals where the agent was saturated (CPU or lag over the limits). */
  saturatedShare: number;
  /** saturatedShare above SATURATED_SHARE: the agent may have been the bottleneck. */
  saturated: boolean;
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Adds up one agent's health reports, interval by interval, into its AgentHealth. */
export class HealthTally {
  private intervals = 0;
  private weight = 0;
  private saturatedWeight = 0;
  private cpuWeighted = 0;
  private processCpuWeighted = 0;
  private worst: GeneratorHealth | undefined;
  private last: GeneratorHealth | undefined;

  /** One interval's report; `durationMs` weighs it, so the short last interval counts for what it lasted. */
  add(health: GeneratorHealth, durationMs: number): void {
    // A zero-length interval still happened: it counts, a microsecond's worth.
    const w = Math.max(durationMs, 0.001);
    this.intervals++;
    this.weight += w;
    if (isSaturated(health)) this.saturatedWeight += w;
    this.cpuWeighted += health.cpu * w;
    this.processCpuWeighted += health.processCpu * w;
    this.worst = mergeHealth(this.worst, { ...health, threads: 0 });
    this.worst.threads = Math.max(this.worst.threads, health.threads);
    this.last = health;
  }

  /** The latest interval's report, for a live view; undefined before the first. */
  get latest(): GeneratorHealth | undefined {
    return this.last;
  }

  /** The run so far; undefined if no interval carried health (an agent of an older version). */
  summary(): AgentHealth | undefined {
    const worst = this.worst;
    if (!worst || this.weight <= 0) return undefined;
    const saturatedShare = this.saturatedWeight / this.weight;
    return {
      intervals: this.intervals,
      lagP99Ms: round(worst.lagP99Ms, 3),
      lagMaxMs: round(worst.lagMaxMs, 3),
      cpuMean: round(this.cpuWeighted / this.weight, 4),
      cpuMax: round(worst.cpu, 4),
      processCpuMean: round(this.processCpuWeighted / this.weight, 4),
      threads: worst.threads,
      cpuSource: worst.cpuSource,
      saturatedShare: round(saturatedShare, 4),
      saturated: saturatedShare > SATURATED_SHARE,
    };
  }
}
