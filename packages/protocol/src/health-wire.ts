import type { CpuSource, GeneratorHealth } from '@volley/metrics';
import { volley } from '../gen/volley.js';

const { CpuSource: WireCpuSource } = volley.v1;

/** The longest event-loop delay believed (ms): an hour; a loop stalled longer has stopped reporting anyway. */
export const MAX_LAG_MS = 3_600_000;
/** The most cores a process is believed to use, and the most engine threads an agent is believed to run. */
export const MAX_CORES = 4096;
export const MAX_THREADS = 4096;

const SOURCE_TO_WIRE: Record<CpuSource, number> = {
  thread: WireCpuSource.CPU_SOURCE_THREAD,
  loop: WireCpuSource.CPU_SOURCE_LOOP,
};

/** An agent's health as it goes on the wire. */
export function healthToWire(health: GeneratorHealth): volley.v1.GeneratorHealth.$Properties {
  return {
    lagP99Ms: health.lagP99Ms,
    lagMaxMs: health.lagMaxMs,
    cpu: health.cpu,
    processCpu: health.processCpu,
    threads: health.threads,
    cpuSource: SOURCE_TO_WIRE[health.cpuSource],
  };
}

/**
 * An agent's health as it came off the wire, every figure checked: finite, not negative, within what a real
 * generator can report (a thread uses at most one core). Returns why not, or the health; undefined when absent.
 */
export function healthFromWire(
  wire: volley.v1.GeneratorHealth.$Properties | null | undefined,
): { health: GeneratorHealth | undefined } | { bad: string } {
  if (!wire) return { health: undefined };
  const lagP99Ms = wire.lagP99Ms ?? 0;
  const lagMaxMs = wire.lagMaxMs ?? 0;
  const cpu = wire.cpu ?? 0;
  const processCpu = wire.processCpu ?? 0;
  const threads = wire.threads ?? 0;
  const within = (n: number, max: number): boolean => Number.isFinite(n) && n >= 0 && n <= max;
  if (!within(lagP99Ms, MAX_LAG_MS) || !within(lagMaxMs, MAX_LAG_MS) || lagP99Ms > lagMaxMs) {
    return { bad: `event-loop lag p99 ${lagP99Ms} ms, max ${lagMaxMs} ms is not a delay` };
  }
  if (!within(cpu, 1)) return { bad: `thread CPU ${cpu} is not a share of one core` };
  if (!within(processCpu, MAX_CORES)) return { bad: `process CPU ${processCpu} is not a number of cores` };
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    return { bad: `health of ${threads} threads` };
  }
  let cpuSource: CpuSource;
  if (wire.cpuSource === WireCpuSource.CPU_SOURCE_THREAD) cpuSource = 'thread';
  else if (wire.cpuSource === WireCpuSource.CPU_SOURCE_LOOP) cpuSource = 'loop';
  else return { bad: `unknown CPU source ${wire.cpuSource}` };
  return { health: { lagP99Ms, lagMaxMs, cpu, processCpu, threads, cpuSource } };
}
