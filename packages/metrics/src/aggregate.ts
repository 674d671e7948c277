import { DeferredAdds } from './deferred-adds.js';
import { type GeneratorHealth, HealthTally } from './health.js';
import { createTotalHistogram, type Histogram } from './histogram.js';
import { addCounts, type CheckCount, countMap, type IntervalData, requestCounts } from './interval.js';
import { IntervalMerger, IntervalRejectedError, type MergeNotice } from './interval-merger.js';
import { summarizeMergedInterval } from './merged-forms.js';
import { addChecks, type MergedEndpointInterval, type MergedInterval } from './merged-interval.js';
import type { AgentSummary, IntervalSummary, IterationSummary, RequestCounts } from './result.js';
import { type LatencySummary, summarize } from './summary.js';

/** What a run reserves per agent for its reports waiting to go into the agents' totals (see DeferredAdds). */
const REPORT_BYTES_RESERVED = 6 * 1024;

/** A scenario request's figures, merged over agents and intervals. */
export interface MergedEndpoint {
  name: string;
  requests: RequestCounts;
  latency: LatencySummary;
  /** Flows: each check of the step, in its order. */
  checks?: CheckCount[];
}

interface EndpointTotals {
  histogram: Histogram;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  checks: Map<string, { passed: number; failed: number }>;
  expected: number;
}

/** Who an agent is, for the result's agent list. */
export interface AgentInfo {
  id: string;
  name: string;
  host: string;
}

interface AgentTotals {
  info: AgentInfo;
  histogram: Histogram;
  requests: number;
  errors: number;
  lost: boolean;
  health: HealthTally;
}

/** One agent's figures so far, for a live view. */
export interface LiveAgentFigures {
  requests: number;
  errors: number;
  /** Worked out when first read (then kept): the agent's p99 over the run so far, in ms. */
  readonly p99Ms: number;
  health: GeneratorHealth | undefined;
}

/** Merged figures of a whole run, ready for the result document. */
export interface Merged {
  requests: RequestCounts;
  latency: LatencySummary;
  /** Open model: latency from the actual send; null when no agent measured it (closed model). */
  serviceTime: LatencySummary | null;
  /** Open model: requests sent later than scheduled. */
  late: number;
  /** Open model: sends due before the end that never went out. */
  dropped: number;
  bytes: { sent: number; received: number };
  agents: AgentSummary[];
  /** Scenario runs: per named request, in the order first seen (the scenario's order). */
  endpoints: MergedEndpoint[];
  /** Flows: iterations ended and begun, and their durations; null for runs of fixed requests. */
  iterations: IterationSummary | null;
  intervals: IntervalSummary[];
}

/**
 * Merges the intervals of every agent into exact run-wide figures: histograms are added (HdrHistogram `add`),
 * never averaged, so percentiles of many agents equal those of one histogram holding every value.
 * An IntervalMerger decides when an interval is closed (every agent still in the run reported it, or too many
 * are open); each closed interval is summarised, added into the run's totals and dropped, so memory stays flat
 * however long the run. The totals are the sum of the closed intervals: they add up by construction.
 */
export class RunAggregate {
  private readonly total = createTotalHistogram();
  private service: Histogram | undefined;
  private late = 0;
  private dropped = 0;
  private readonly byStatus = countMap();
  private readonly byError = countMap();
  private bytesSent = 0;
  private bytesReceived = 0;
  private readonly agents = new Map<string, AgentTotals>();
  private readonly merger: IntervalMerger<string>;
  private readonly closed: IntervalSummary[] = [];
  private readonly endpoints = new Map<string, EndpointTotals>();
  private flow: { iterations: number; started: number; expected: number; histogram: Histogram } | undefined;
  private readonly toAgents = new DeferredAdds(); // reports on their way into their agent's total

  /**
   * `onInterval` hears each merged interval as it closes, in order, for live progress (the MergedInterval only
   * for the length of the call, see MergedInterval); `onNotice` hears each
   * interval closed without a slow agent and each late report carried into a later interval, for the log.
   */
  constructor(
    private readonly onInterval?: (interval: IntervalSummary, merged: MergedInterval) => void,
    onNotice?: (notice: MergeNotice<string>) => void,
  ) {
    this.merger = new IntervalMerger<string>((m) => this.closeInterval(m), { onNotice });
  }

  /** Intervals held open for a slow agent: never more than the merger's bound (DEFAULT_MAX_OPEN_INTERVALS). */
  get openIntervals(): number {
    return this.merger.pending;
  }

  /** Registers an agent taking part in the run; every agent joins before the first interval is added. */
  join(info: AgentInfo): void {
    if (this.agents.has(info.id)) return;
    const totals = { info, histogram: createTotalHistogram(), requests: 0, errors: 0, lost: false };
    this.agents.set(info.id, { ...totals, health: new HealthTally() });
    this.merger.join(info.id);
    // Room for one interval of every agent's report (a realistic one is 4-5 KiB), made before the run.
    this.toAgents.reserve(this.agents.size * REPORT_BYTES_RESERVED);
  }

  /** The agent sent Finished: it has reported everything, so intervals no longer wait for it. */
  leave(agentId: string): void {
    this.merger.leave(agentId);
  }

  /** Marks an agent lost: what it reported is kept, intervals no longer wait for it. */
  lose(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (agent) agent.lost = true;
    this.merger.lose(agentId);
  }

  /**
   * Adds one agent's interval. Throws an IntervalRejectedError, having changed nothing, if the merger refuses it:
   * an unknown or departed agent, a seq sent twice, histogram bytes that do not decode.
   */
  add(agentId: string, interval: IntervalData): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw new IntervalRejectedError('unknown-member', agentId, interval.seq, 'not a member');
    // Counted once accepted and before the merge, which may emit intervals whose listeners read them live.
    // Subtleness ahead: adding 2,000 reports into 2,000 cold totals doubled the path the interval waits on, so
    // the bytes wait (DeferredAdds); deferred before the merge too, as this interval's listeners read the totals.
    this.merger.add(agentId, interval, ({ responses, errors }) => {
      this.toAgents.defer(agent.histogram, interval.histogram);
      agent.requests += responses + errors;
      agent.errors += errors;
    });
    this.toAgents.bound();
    if (interval.health) agent.health.add(interval.health, interval.endMs - interval.startMs);
  }

  /**
   * Each agent's figures so far, by id, for a live view (the merged stream has no per-agent figures): requests,
   * errors, its p99 over the run so far (ms, a percentile walk when first read) and its latest health report.
   */
  liveAgents(): Map<string, LiveAgentFigures> {
    const toAgents = this.toAgents;
    return new Map(
      [...this.agents].map(([id, a]) => {
        let p99: number | undefined;
        const figures: LiveAgentFigures = {
          requests: a.requests,
          errors: a.errors,
          // Asked of the total when first read, which settles the adds that wait: a live view that reads only
          // health (Prometheus) costs no percentile walk for 2,000 agents every second.
          get p99Ms(): number {
            if (p99 === undefined) {
              toAgents.settle();
              p99 = a.histogram.totalCount > 0 ? a.histogram.getValueAtPercentile(99) / 1000 : 0;
            }
            return p99;
          },
          health: a.health.latest,
        };
        return [id, figures];
      }),
    );
  }

  /** Summarises everything received; open intervals are closed with what they hold, and nothing more is added. */
  merge(): Merged {
    this.merger.flush();
    this.toAgents.settle();
    return {
      requests: requestCounts(this.byStatus, this.byError, this.flow?.expected ?? 0),
      latency: summarize(this.total),
      serviceTime: this.service ? summarize(this.service) : null,
      late: this.late,
      dropped: this.dropped,
      bytes: { sent: this.bytesSent, received: this.bytesReceived },
      agents: [...this.agents.values()].map((a) => {
        const { count, p50, p90, p99, max, histogram } = summarize(a.histogram);
        const latency = { count, p50, p90, p99, max, histogram };
        const health = a.health.summary();
        return {
          ...a.info,
          requests: a.requests,
          errors: a.errors,
          lost: a.lost,
          latency,
          ...(health ? { health } : {}),
        };
      }),
      endpoints: [...this.endpoints].map(([name, e]) => ({
        name,
        requests: requestCounts(e.byStatus, e.byError, e.expected),
        latency: summarize(e.histogram),
        ...(e.checks.size > 0
          ? { checks: [...e.checks].map(([check, t]) => ({ name: check, passed: t.passed, failed: t.failed })) }
          : {}),
      })),
      iterations: this.flow
        ? { count: this.flow.iterations, started: this.flow.started, duration: summarize(this.flow.histogram) }
        : null,
      intervals: [...this.closed],
    };
  }

  /** One closed interval into the run's totals: one histogram add per interval, not per agent. */
  private closeInterval(m: MergedInterval): void {
    this.total.add(m.histogram);
    if (m.service) {
      this.service ??= createTotalHistogram();
      this.service.add(m.service);
    }
    addCounts(this.byStatus, m.byStatus);
    addCounts(this.byError, m.byError);
    this.bytesSent += m.bytesSent;
    this.bytesReceived += m.bytesReceived;
    this.late += m.late;
    this.dropped += m.dropped;
    for (const [name, e] of m.endpoints) this.addEndpoint(name, e);
    if (m.flow) {
      this.flow ??= { iterations: 0, started: 0, expected: 0, histogram: createTotalHistogram() };
      this.flow.histogram.add(m.flow.histogram);
      this.flow.iterations += m.flow.iterations;
      this.flow.started += m.flow.started;
      this.flow.expected += m.flow.expected;
    }
    const summary = summarizeMergedInterval(m);
    this.closed.push(summary);
    this.onInterval?.(summary, m);
    this.toAgents.settleSoon();
  }

  private addEndpoint(name: string, e: MergedEndpointInterval): void {
    let totals = this.endpoints.get(name);
    if (!totals) {
      totals = {
        histogram: createTotalHistogram(),
        byStatus: countMap(),
        byError: countMap(),
        checks: new Map(),
        expected: 0,
      };
      this.endpoints.set(name, totals);
    }
    totals.histogram.add(e.histogram);
    addCounts(totals.byStatus, e.byStatus);
    addCounts(totals.byError, e.byError);
    addChecks(totals.checks, e.checks);
    totals.expected += e.expected;
  }
}
