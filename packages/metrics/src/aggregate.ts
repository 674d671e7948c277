import { createTotalHistogram, type EncodedHistogram, type Histogram, readEncodedHistogram } from './histogram.js';
import { addCounts, type EndpointInterval, type IntervalData, sumCounts } from './interval.js';
import type { AgentSummary, IntervalSummary, RequestCounts } from './result.js';

/** A scenario request's figures, merged over agents and intervals. */
export interface MergedEndpoint {
  name: string;
  requests: RequestCounts;
  latency: LatencySummary;
}

interface EndpointTotals {
  histogram: Histogram;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
}

import { type LatencySummary, summarize } from './summary.js';

/** Who an agent is, for the result's agent list. */
export interface AgentInfo {
  id: string;
  name: string;
  host: string;
}

interface OpenInterval {
  seq: number;
  startMs: number;
  endMs: number;
  histogram: Histogram;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  late: number;
  reporters: Set<string>;
}

interface AgentTotals {
  info: AgentInfo;
  histogram: Histogram;
  requests: number;
  errors: number;
  lost: boolean;
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
  intervals: IntervalSummary[];
}

/**
 * Merges the intervals of every agent into exact run-wide figures: histograms are added (HdrHistogram `add`),
 * never averaged, so percentiles of many agents equal those of one histogram holding every value.
 * An interval index is closed (summarised, its histogram dropped) as soon as every live agent has reported it,
 * so memory stays flat however long the run.
 */
export class RunAggregate {
  private readonly total = createTotalHistogram();
  private service: Histogram | undefined;
  private late = 0;
  private dropped = 0;
  private readonly byStatus: Record<string, number> = {};
  private readonly byError: Record<string, number> = {};
  private bytesSent = 0;
  private bytesReceived = 0;
  private readonly agents = new Map<string, AgentTotals>();
  private readonly open = new Map<number, OpenInterval>();
  private readonly closed: IntervalSummary[] = [];
  private readonly endpoints = new Map<string, EndpointTotals>();

  /** `onInterval` hears each merged interval as it closes (every live agent reported it), for live progress. */
  constructor(private readonly onInterval?: (interval: IntervalSummary) => void) {}

  /** Registers an agent taking part in the run; every agent joins before the first interval is added. */
  join(info: AgentInfo): void {
    if (this.agents.has(info.id)) return;
    this.agents.set(info.id, { info, histogram: createTotalHistogram(), requests: 0, errors: 0, lost: false });
  }

  /** Marks an agent lost: what it reported is kept, intervals no longer wait for it. */
  lose(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (agent) agent.lost = true;
    this.closeComplete();
  }

  /** Adds one agent's interval. Throws, having changed nothing, if any histogram bytes do not decode. */
  add(agentId: string, interval: IntervalData): void {
    const agent = this.agents.get(agentId);
    if (!agent) throw new Error(`interval from unknown agent ${agentId}`);
    // Every histogram is read before anything is added, so a bad one leaves the aggregate as it was.
    const h = readEncodedHistogram(interval.histogram);
    const service =
      interval.serviceHistogram && interval.serviceHistogram.byteLength > 0
        ? readEncodedHistogram(interval.serviceHistogram)
        : undefined;
    const endpoints = (interval.endpoints ?? []).map((e) => ({ e, h: readEncodedHistogram(e.histogram) }));

    let slot = this.open.get(interval.seq);
    if (!slot) {
      slot = {
        seq: interval.seq,
        startMs: interval.startMs,
        endMs: interval.endMs,
        histogram: createTotalHistogram(),
        byStatus: {},
        byError: {},
        late: 0,
        reporters: new Set(),
      };
      this.open.set(interval.seq, slot);
    }
    // The run's total is added from each merged interval as it closes: one add per interval, not per agent.
    h.addTo([agent.histogram, slot.histogram]);
    const errors = sumCounts(interval.byError);
    agent.requests += sumCounts(interval.byStatus) + errors;
    agent.errors += errors;
    addCounts(this.byStatus, interval.byStatus);
    addCounts(this.byError, interval.byError);
    this.bytesSent += interval.bytesSent;
    this.bytesReceived += interval.bytesReceived;
    this.late += interval.late ?? 0;
    this.dropped += interval.dropped ?? 0;
    for (const { e, h } of endpoints) this.addEndpoint(e, h);
    if (service) {
      this.service ??= createTotalHistogram();
      service.addTo([this.service]);
    }
    slot.startMs = Math.min(slot.startMs, interval.startMs);
    slot.endMs = Math.max(slot.endMs, interval.endMs);
    addCounts(slot.byStatus, interval.byStatus);
    addCounts(slot.byError, interval.byError);
    slot.late += interval.late ?? 0;
    slot.reporters.add(agentId);
    this.closeComplete();
  }

  /** Summarises everything received so far; open intervals are closed with what they hold. */
  merge(): Merged {
    for (const slot of this.open.values()) this.closeInterval(slot);
    this.open.clear();
    return {
      requests: counts(this.byStatus, this.byError),
      latency: summarize(this.total),
      serviceTime: this.service ? summarize(this.service) : null,
      late: this.late,
      dropped: this.dropped,
      bytes: { sent: this.bytesSent, received: this.bytesReceived },
      agents: [...this.agents.values()].map((a) => {
        const { count, p50, p90, p99, max, histogram } = summarize(a.histogram);
        const latency = { count, p50, p90, p99, max, histogram };
        return { ...a.info, requests: a.requests, errors: a.errors, lost: a.lost, latency };
      }),
      endpoints: [...this.endpoints].map(([name, e]) => ({
        name,
        requests: counts(e.byStatus, e.byError),
        latency: summarize(e.histogram),
      })),
      intervals: [...this.closed].sort((a, b) => a.t - b.t),
    };
  }

  private addEndpoint(e: EndpointInterval, h: EncodedHistogram): void {
    let totals = this.endpoints.get(e.name);
    if (!totals) {
      totals = { histogram: createTotalHistogram(), byStatus: {}, byError: {} };
      this.endpoints.set(e.name, totals);
    }
    h.addTo([totals.histogram]);
    addCounts(totals.byStatus, e.byStatus);
    addCounts(totals.byError, e.byError);
  }

  private closeComplete(): void {
    let live = 0;
    for (const a of this.agents.values()) if (!a.lost) live++;
    for (const slot of this.open.values()) {
      if (slot.reporters.size >= live) {
        this.closeInterval(slot);
        this.open.delete(slot.seq);
      }
    }
  }

  private closeInterval(slot: OpenInterval): void {
    const s = summarize(slot.histogram);
    const errors = sumCounts(slot.byError);
    const requests = sumCounts(slot.byStatus) + errors;
    const durationMs = Math.max(0, slot.endMs - slot.startMs);
    const summary: IntervalSummary = {
      t: slot.startMs / 1000,
      durationMs,
      requests,
      errors,
      rps: durationMs > 0 ? Math.round((requests * 1000 * 10) / durationMs) / 10 : 0,
      p50: s.p50,
      p90: s.p90,
      p99: s.p99,
      max: s.max,
      histogram: s.histogram,
      ...(slot.late > 0 ? { late: slot.late } : {}),
    };
    this.closed.push(summary);
    this.total.add(slot.histogram);
    slot.histogram.destroy();
    this.onInterval?.(summary);
  }
}

/** Request counts from statuses and errors: ok are statuses below 400, errors are requests with no response. */
function counts(byStatus: Record<string, number>, byError: Record<string, number>): RequestCounts {
  const errors = sumCounts(byError);
  let ok = 0;
  for (const [status, n] of Object.entries(byStatus)) if (Number(status) < 400) ok += n;
  return { total: sumCounts(byStatus) + errors, ok, errors, byStatus: { ...byStatus }, byError: { ...byError } };
}
