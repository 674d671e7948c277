import {
  type GeneratorHealth,
  type IntervalDetail,
  type IntervalSummary,
  intervalDetail,
  type LiveAgentFigures,
  type MergedInterval,
} from '@volley/metrics';

/** What happened to the agents, for whoever shows progress. */
export type ControllerEvent =
  | { type: 'joined'; name: string; host: string; joined: number; of: number }
  | { type: 'started'; agents: number; spreadMs: number }
  | { type: 'lost'; name: string; reason: string }
  /** The agent is warmed up with its connections open: it waits for the Start. */
  | { type: 'ready'; name: string }
  /** One interval merged over every live agent; `total` sums every interval so far. */
  | {
      type: 'interval';
      interval: IntervalSummary;
      total: { requests: number; errors: number; elapsedMs: number };
      agents: number;
      /**
       * Counts by status and error kind, and per named request, for live views (metrics, dashboard). Copied out
       * of the merger on first read, so a listener that never reads it (progress) costs nothing: read it during
       * the event, not after (the merger's histograms are released when the event returns).
       */
      readonly detail: IntervalDetail;
      /**
       * Each agent of the run, its figures so far and its latest health report. Built on first read, as `detail`
       * is: with 2,000 agents it is 2,000 percentile walks, and the progress line must not wait on them.
       */
      readonly health: LiveAgent[];
    };

/** An agent as a live view shows it. */
export interface LiveAgent {
  name: string;
  host: string;
  state: AgentState;
  lost: boolean;
  /** Requests and errors so far, and the agent's own p99 over the run so far (ms). */
  requests: number;
  errors: number;
  readonly p99Ms: number;
  /** Its latest health report; absent before its first, or from an agent that does not measure it. */
  health: GeneratorHealth | undefined;
}

/** Where an agent is in the run. */
export type AgentState = 'joined' | 'ready' | 'finished' | 'lost';

/** Who took part in the run, as the controller knows its members. */
interface MemberView {
  id: string;
  name: string;
  host: string;
  lost: boolean;
  finished: boolean;
  ready: boolean;
}

const stateOf = (m: MemberView): AgentState =>
  m.lost ? 'lost' : m.finished ? 'finished' : m.ready ? 'ready' : 'joined';

/**
 * The event for one merged interval; its detail is copied out of `merged`, and the agents' figures asked of
 * `figures`, when first read (during the event: the members are taken as they are now).
 */
export function liveInterval(
  interval: IntervalSummary,
  merged: MergedInterval,
  total: { requests: number; errors: number; elapsedMs: number },
  members: readonly MemberView[],
  figures: () => ReadonlyMap<string, LiveAgentFigures>,
): ControllerEvent {
  let agents = 0;
  for (const m of members) if (!m.lost) agents++;
  let detail: IntervalDetail | undefined;
  let health: LiveAgent[] | undefined;
  return {
    type: 'interval',
    interval,
    total,
    agents,
    get detail(): IntervalDetail {
      detail ??= intervalDetail(merged);
      return detail;
    },
    get health(): LiveAgent[] {
      health ??= liveAgents(members, figures());
      return health;
    },
  };
}

function liveAgents(members: readonly MemberView[], figures: ReadonlyMap<string, LiveAgentFigures>): LiveAgent[] {
  return members.map((m) => {
    const f = figures.get(m.id);
    return {
      name: m.name,
      host: m.host,
      state: stateOf(m),
      lost: m.lost,
      requests: f?.requests ?? 0,
      errors: f?.errors ?? 0,
      // A getter, so that a listener that never reads it (Prometheus) costs no percentile walk.
      get p99Ms(): number {
        return f?.p99Ms ?? 0;
      },
      health: f?.health,
    };
  });
}
