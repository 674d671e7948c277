import {
  type GeneratorHealth,
  type IntervalDetail,
  type IntervalSummary,
  intervalDetail,
  type MergedInterval,
} from '@volley/metrics';

/** What happened to the agents, for whoever shows progress. */
export type ControllerEvent =
  | { type: 'joined'; name: string; host: string; joined: number; of: number }
  | { type: 'started'; agents: number; spreadMs: number }
  | { type: 'lost'; name: string; reason: string }
  /** One interval merged over every live agent; `total` sums every interval so far. */
  | {
      type: 'interval';
      interval: IntervalSummary;
      total: { requests: number; errors: number; elapsedMs: number };
      agents: number;
      /** Counts by status and error kind, and per named request, for live views (metrics, dashboard). */
      detail: IntervalDetail;
      /** Each agent of the run and its latest health report (absent before its first, or from older agents). */
      health: LiveAgent[];
    };

/** An agent as a live view shows it. */
export interface LiveAgent {
  name: string;
  host: string;
  lost: boolean;
  health: GeneratorHealth | undefined;
}

/** Who took part in the run, as the controller knows its members. */
interface MemberView {
  id: string;
  name: string;
  host: string;
  lost: boolean;
}

/** The event for one merged interval: its detail copied out while the merger still holds it. */
export function liveInterval(
  interval: IntervalSummary,
  merged: MergedInterval,
  total: { requests: number; errors: number; elapsedMs: number },
  members: readonly MemberView[],
  latest: ReadonlyMap<string, GeneratorHealth | undefined>,
): ControllerEvent {
  let agents = 0;
  const health: LiveAgent[] = [];
  for (const m of members) {
    if (!m.lost) agents++;
    health.push({ name: m.name, host: m.host, lost: m.lost, health: latest.get(m.id) });
  }
  return { type: 'interval', interval, total, agents, detail: intervalDetail(merged), health };
}
