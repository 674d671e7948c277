import type { AgentSummary, Result } from '@volley/metrics';
import { millis } from './numbers.js';

/** The one-line warning for an agent that was saturated for more than a tenth of its run. */
export function saturationWarning(agent: Pick<AgentSummary, 'name'>): string {
  return `agent ${agent.name} was the bottleneck: its figures may understate the server's capacity`;
}

/** One warning per saturated agent, in the result's order; none for a run whose agents had room to spare. */
export function saturationWarnings(result: Pick<Result, 'agents'>): string[] {
  return result.agents.filter((a) => a.health?.saturated).map(saturationWarning);
}

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** Column heads of the generator health table (text and HTML alike). */
export const HEALTH_HEAD = ['agent', 'cpu mean', 'cpu max', 'process cpu', 'lag p99', 'lag max', 'saturated', ''];

/**
 * A row per agent that reported its health: the busiest engine thread's CPU (mean and peak), the process's CPU in
 * cores, the event-loop lag (the worst interval's p99 and the longest delay, ms) and the share of the run it was
 * saturated. Agents without a health report (older versions) have no row.
 */
export function healthRows(result: Pick<Result, 'agents'>): string[][] {
  return result.agents.flatMap((a) => {
    const h = a.health;
    if (!h) return [];
    return [
      [
        a.name,
        percent(h.cpuMean),
        percent(h.cpuMax),
        `${h.processCpuMean.toFixed(2)} cores`,
        `${millis(h.lagP99Ms)} ms`,
        `${millis(h.lagMaxMs)} ms`,
        percent(h.saturatedShare),
        h.saturated ? 'BOTTLENECK' : '',
      ],
    ];
  });
}

/** What the CPU figure measured, for a note under the table. */
export function healthNote(result: Pick<Result, 'agents'>): string {
  const sources = new Set(result.agents.flatMap((a) => (a.health ? [a.health.cpuSource] : [])));
  const how = [
    ...(sources.has('thread') ? ['the busiest engine thread’s own CPU time over wall time'] : []),
    ...(sources.has('loop') ? ['the busiest engine thread’s event-loop utilisation (time not waiting for I/O)'] : []),
  ].join('; or ');
  return (
    `cpu: ${how}. Lag: how late the event loop ran (p99 of the worst interval, and the longest). ` +
    'Saturated: share of the run with cpu above 90% or lag p99 above 50 ms.'
  );
}
