import type { ControllerEvent, LiveAgent } from '@volley/controller';
import {
  addCounts,
  countMap,
  createTotalHistogram,
  decodeHistogramBase64,
  type Histogram,
  type Result,
  sumCounts,
  summarize,
} from '@volley/metrics';
import { askedRate, type Plan } from '@volley/plan';
import { count, evaluateThresholds, millis, rate, type Threshold } from '@volley/report';

/** One interval as the live charts draw it: seconds since the start, rates per second, latencies in ms. */
export interface LivePoint {
  t: number;
  rps: number;
  errorsPerSecond: number;
  /** Open model: sends that went out late, per second. */
  late: number;
  /** Open model: sends due that never went out, per second. */
  dropped: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Requests per second by status class (`2xx`...), and `none` for those without a response. */
  byClass: Record<string, number>;
}

/** What the page is sent: the whole state, and the points it has not seen yet (all of them when `reset`). */
export interface LiveMessage {
  type: 'state';
  reset: boolean;
  title: string;
  status: 'waiting' | 'running' | 'finishing';
  expectedAgents: number;
  asked: number | null;
  figures: Array<{ id: string; label: string; value: string }>;
  /** Column heads of the agent and request tables (the rows below follow them). */
  heads: { agents: string[]; endpoints: string[] };
  agents: Array<{ name: string; host: string; state: string; values: string[] }>;
  endpoints: string[][];
  thresholds: Array<{ expr: string; actual: string; pass: boolean }>;
  points: LivePoint[];
}

/** Column heads of the live agent table; `values` of each agent row follow them after name, host and state. */
export const AGENT_HEAD = ['name', 'host', 'state', 'requests', 'req/s', 'p99 (ms)', 'loop lag p99', 'cpu'];
/** Column heads of the live table of named requests. */
export const ENDPOINT_HEAD = ['name', 'requests', 'errors', '≥ 400', 'checks', 'p50 (ms)', 'p99 (ms)', 'max (ms)'];

interface AgentRow {
  name: string;
  host: string;
  state: string;
  live: LiveAgent | undefined;
  rps: number;
}

interface EndpointTotals {
  histogram: Histogram;
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  checksPassed: number;
  checksFailed: number;
}

/**
 * The run as the dashboard shows it, built from the controller's events alone: the figures so far (the merged
 * intervals' histograms added into one, exactly as the result does), a point per interval for the charts, each
 * agent's state and figures, each named request's, and the thresholds judged on the figures so far.
 */
export class DashboardState {
  private readonly total = createTotalHistogram();
  private readonly byStatus = countMap();
  private readonly byError = countMap();
  private readonly endpoints = new Map<string, EndpointTotals>();
  private readonly agents = new Map<string, AgentRow>();
  private readonly points: LivePoint[] = [];
  private late = 0;
  private dropped = 0;
  private elapsedMs = 0;
  private status: LiveMessage['status'] = 'waiting';
  private readonly asked: number | null;

  constructor(
    private readonly plan: Plan,
    private readonly thresholds: readonly Threshold[],
    private readonly expectedAgents: number,
    private readonly title: string,
  ) {
    this.asked = askedRate(plan);
  }

  /** Takes one controller event. */
  readonly listener = (event: ControllerEvent): void => {
    switch (event.type) {
      case 'joined':
        this.agents.set(event.name, { name: event.name, host: event.host, state: 'joined', live: undefined, rps: 0 });
        return;
      case 'ready':
        this.setState(event.name, 'ready');
        return;
      case 'started':
        this.status = 'running';
        for (const a of this.agents.values()) if (a.state !== 'lost') a.state = 'running';
        return;
      case 'lost':
        this.setState(event.name, 'lost');
        return;
      case 'interval':
        this.interval(event);
        return;
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  };

  /** The run is over; the final report follows. */
  finishing(): void {
    this.status = 'finishing';
  }

  /** The whole state, and the points from `since` on; `reset`: the page starts over (it has none yet). */
  message(since: number, reset = false): LiveMessage {
    return {
      type: 'state',
      reset,
      title: this.title,
      status: this.status,
      expectedAgents: this.expectedAgents,
      asked: this.asked,
      figures: this.figures(),
      heads: { agents: AGENT_HEAD, endpoints: ENDPOINT_HEAD },
      agents: [...this.agents.values()].map((a) => ({
        name: a.name,
        host: a.host,
        state: a.state,
        values: a.live
          ? [
              count(a.live.requests),
              rate(a.rps),
              millis(a.live.p99Ms),
              a.live.health ? `${millis(a.live.health.lagP99Ms)} ms` : '-',
              a.live.health ? `${Math.round(a.live.health.cpu * 100)}%` : '-',
            ]
          : ['0', '-', '-', '-', '-'],
      })),
      endpoints: [...this.endpoints].map(([name, e]) => {
        const s = summarize(e.histogram);
        const errors = sumCounts(e.byError);
        const failed = Object.entries(e.byStatus).reduce((n, [st, k]) => (Number(st) >= 400 ? n + k : n), 0);
        const requests = sumCounts(e.byStatus) + errors;
        const checks = e.checksPassed + e.checksFailed;
        const passed = checks > 0 ? `${((100 * e.checksPassed) / checks).toFixed(1)}% passed` : '-';
        return [name, count(requests), count(errors), count(failed), passed, ...[s.p50, s.p99, s.max].map(millis)];
      }),
      thresholds: this.judge(),
      points: this.points.slice(since),
    };
  }

  /** Points so far: a client that has them all is sent only the next. */
  get pointCount(): number {
    return this.points.length;
  }

  private setState(name: string, state: string): void {
    const a = this.agents.get(name);
    if (a) a.state = state;
  }

  private interval(event: Extract<ControllerEvent, { type: 'interval' }>): void {
    const { interval, detail } = event;
    const seconds = interval.durationMs > 0 ? interval.durationMs / 1000 : 1;
    addHistogram(this.total, interval.histogram);
    addCounts(this.byStatus, detail.byStatus);
    addCounts(this.byError, detail.byError);
    this.late += interval.late ?? 0;
    this.elapsedMs = event.total.elapsedMs;
    for (const e of detail.endpoints) {
      let mine = this.endpoints.get(e.name);
      if (!mine) {
        const counts = { byStatus: countMap(), byError: countMap(), checksPassed: 0, checksFailed: 0 };
        mine = { histogram: createTotalHistogram(), ...counts };
        this.endpoints.set(e.name, mine);
      }
      addHistogram(mine.histogram, e.histogram);
      addCounts(mine.byStatus, e.byStatus);
      addCounts(mine.byError, e.byError);
      mine.checksPassed += e.checksPassed;
      mine.checksFailed += e.checksFailed;
    }
    this.dropped += detail.dropped;
    for (const live of event.health) {
      const row = this.agents.get(live.name) ?? { name: live.name, host: live.host, state: '', live, rps: 0 };
      row.rps = Math.max(0, live.requests - (row.live?.requests ?? 0)) / seconds;
      row.live = live;
      row.state = live.state === 'ready' && this.status === 'running' ? 'running' : live.state;
      this.agents.set(live.name, row);
    }
    const byClass: Record<string, number> = {};
    for (const [status, n] of Object.entries(detail.byStatus)) {
      const key = `${status[0]}xx`;
      byClass[key] = (byClass[key] ?? 0) + n / seconds;
    }
    const errors = sumCounts(detail.byError);
    if (errors > 0) byClass.none = errors / seconds;
    const { t, rps, p50, p90, p99, max } = interval;
    const late = (interval.late ?? 0) / seconds;
    const dropped = detail.dropped / seconds;
    this.points.push({ t, rps, errorsPerSecond: errors / seconds, late, dropped, p50, p90, p99, max, byClass });
  }

  /** The run's figures so far, as the final report's cards show them. */
  private figures(): LiveMessage['figures'] {
    const s = summarize(this.total);
    const errors = sumCounts(this.byError);
    const total = sumCounts(this.byStatus) + errors;
    const achieved = this.elapsedMs > 0 ? (total * 1000) / this.elapsedMs : 0;
    return [
      { id: 'requests', label: 'requests', value: count(total) },
      { id: 'errors', label: 'errors (no response)', value: count(errors) },
      { id: 'failed', label: 'status ≥ 400', value: count(total - errors - this.ok()) },
      { id: 'throughput', label: 'req/s achieved', value: rate(achieved) },
      ...(this.asked === null ? [] : [{ id: 'asked', label: 'req/s asked', value: rate(this.asked) }]),
      ...(this.plan.model === 'open'
        ? [
            { id: 'late', label: 'sent late', value: count(this.late) },
            { id: 'dropped', label: 'never sent', value: count(this.dropped) },
          ]
        : []),
      { id: 'p50', label: 'p50', value: `${millis(s.p50)} ms` },
      { id: 'p99', label: 'p99', value: `${millis(s.p99)} ms` },
      { id: 'max', label: 'max', value: `${millis(s.max)} ms` },
    ];
  }

  private ok(): number {
    let ok = 0;
    for (const [status, n] of Object.entries(this.byStatus)) if (Number(status) < 400) ok += n;
    return ok;
  }

  /** The thresholds on the figures so far: the same judge as the end of the run, on a partial result. */
  private judge(): LiveMessage['thresholds'] {
    if (this.thresholds.length === 0) return [];
    const errors = sumCounts(this.byError);
    const total = sumCounts(this.byStatus) + errors;
    const partial = {
      latency: summarize(this.total),
      requests: { total, ok: this.ok(), errors, byStatus: this.byStatus, byError: this.byError },
      throughput: { target: this.asked, achieved: this.elapsedMs > 0 ? (total * 1000) / this.elapsedMs : 0, late: 0 },
    } as unknown as Result;
    return evaluateThresholds(this.thresholds, partial).map((t) => ({
      expr: t.expr,
      actual: /^error_rate/i.test(t.expr)
        ? t.actual.toFixed(4)
        : /^rps/i.test(t.expr)
          ? rate(t.actual)
          : `${millis(t.actual)} ms`,
      pass: t.pass,
    }));
  }
}

function addHistogram(into: Histogram, base64: string): void {
  const h = decodeHistogramBase64(base64);
  into.add(h);
  h.destroy();
}
