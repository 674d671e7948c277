import type { ControllerEvent } from '@volley/controller';
import { type ClassDetail, classOfStatus, LATENCY_BUCKETS_S } from '@volley/metrics';
import { askedRate, type Plan } from '@volley/plan';
import type { Counter, Gauge, Registry } from 'prom-client';

/** The `request` label of a run of one request (a scenario's requests and a flow's steps carry their names). */
export const DEFAULT_REQUEST = 'default';

/** `2xx` for 204; what a status class label holds. Requests without a response are `none`. */
const statusClass = (status: string): string => `${classOfStatus(status)}xx`;

interface Series {
  labels: { request: string; status_class: string };
  buckets: number[];
  count: number;
  sumSeconds: number;
}

/**
 * A Prometheus histogram filled from the engines' bucket counts, a whole interval at a time: prom-client's own
 * Histogram takes one observation per call, which would mean one call per request. Registered as a metric of the
 * registry (name, help, type and get() are all a registry reads), so the page stays one prom-client exposition.
 */
class LatencyHistogram {
  readonly name = 'volley_request_duration_seconds';
  readonly help =
    'Latency of responses by request and status class, from the intended send time in the open model, ' +
    'all agents merged.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  /**
   * Adds an interval's latencies of one request and status class: its counts per bucket (the engines counted them
   * from their HdrHistograms, so they are exact at these bounds) and their sum.
   */
  add(request: string, c: ClassDetail): void {
    const key = `${c.statusClass} ${request}`;
    let s = this.series.get(key);
    if (!s) {
      const labels = { request, status_class: c.statusClass };
      s = { labels, buckets: LATENCY_BUCKETS_S.map(() => 0), count: 0, sumSeconds: 0 };
      this.series.set(key, s);
    }
    let below = 0;
    for (let i = 0; i < s.buckets.length; i++) {
      below += c.counts[i] ?? 0;
      s.buckets[i] = (s.buckets[i] as number) + below;
    }
    s.count += below + (c.counts[s.buckets.length] ?? 0);
    s.sumSeconds += c.sumSeconds;
  }

  get() {
    const values = [...this.series.values()].flatMap((s) => [
      ...LATENCY_BUCKETS_S.map((le, i) => ({
        labels: { ...s.labels, le },
        value: s.buckets[i] as number,
        metricName: `${this.name}_bucket`,
      })),
      { labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${this.name}_bucket` },
      { labels: s.labels, value: s.sumSeconds, metricName: `${this.name}_sum` },
      { labels: s.labels, value: s.count, metricName: `${this.name}_count` },
    ]);
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }
}

/**
 * What `--metrics-port` serves, fed by the controller's events: the latency histogram by request name, requests
 * by status class (`none` for no response), responses by status, errors by kind, failed requests (status >= 400
 * or no response), and gauges for the agents, the time covered, the asked and achieved rates and each agent's
 * generator health. Counters are sums of merged intervals, so once the last one is in they equal the result's.
 */
export class RunMetrics {
  private readonly latency = new LatencyHistogram();
  private readonly requests: Counter<'request' | 'status_class'>;
  private readonly responses: Counter<'request' | 'status'>;
  private readonly errors: Counter<'request' | 'kind'>;
  private readonly failed: Counter<'request'>;
  private readonly agents: Gauge;
  private readonly elapsed: Gauge;
  private readonly achieved: Gauge;
  private readonly cpu: Gauge<'agent'>;
  private readonly lag: Gauge<'agent'>;
  /** The page: every metric above, and nothing else (no process metrics of the CLI). */
  readonly registry: Registry;

  /** `prom`: prom-client, loaded by the caller only when metrics are asked for. */
  constructor(prom: typeof import('prom-client'), plan: Plan) {
    const { Counter, Gauge } = prom;
    this.registry = new prom.Registry();
    const registers = [this.registry];
    // A metric object of our own: the registry reads its name, help, type and get(), as it does prom-client's.
    this.registry.registerMetric(this.latency as never);
    this.requests = new Counter({
      name: 'volley_requests_total',
      help: 'Requests ended, with a response (by status class) or without one (status_class="none"), all agents.',
      labelNames: ['request', 'status_class'],
      registers,
    });
    this.responses = new Counter({
      name: 'volley_responses_total',
      help: 'Responses by HTTP status, all agents.',
      labelNames: ['request', 'status'],
      registers,
    });
    this.errors = new Counter({
      name: 'volley_request_errors_total',
      help: 'Requests that ended without a response, by error kind, all agents.',
      labelNames: ['request', 'kind'],
      registers,
    });
    this.failed = new Counter({
      name: 'volley_requests_failed_total',
      help: 'Requests that failed: a status of 400 or more, or no response at all.',
      labelNames: ['request'],
      registers,
    });
    this.agents = new Gauge({ name: 'volley_agents', help: 'Agents taking part and not lost.', registers });
    this.elapsed = new Gauge({
      name: 'volley_elapsed_seconds',
      help: 'Time covered by the merged intervals so far.',
      registers,
    });
    this.achieved = new Gauge({
      name: 'volley_requests_per_second',
      help: 'Requests per second achieved in the last merged interval.',
      registers,
    });
    const asked = askedRate(plan);
    if (asked !== null) {
      new Gauge({
        name: 'volley_asked_requests_per_second',
        help: 'Requests per second the plan asks for (open model; the average over the stages of a ramp).',
        registers,
      }).set(asked);
    }
    this.cpu = new Gauge({
      name: 'volley_agent_cpu_ratio',
      help: "The busiest engine thread's share of one core in the agent's last interval.",
      labelNames: ['agent'],
      registers,
    });
    this.lag = new Gauge({
      name: 'volley_agent_event_loop_lag_seconds',
      help: "The event-loop delay p99 of the agent's worst engine thread in its last interval.",
      labelNames: ['agent'],
      registers,
    });
  }

  readonly listener = (event: ControllerEvent): void => {
    if (event.type === 'started') this.agents.set(event.agents);
    if (event.type !== 'interval') return;
    const { detail, interval } = event;
    if (detail.endpoints.length === 0) {
      this.count(DEFAULT_REQUEST, detail.byStatus, detail.byError);
      for (const c of detail.classes) this.latency.add(DEFAULT_REQUEST, c);
    } else {
      for (const e of detail.endpoints) {
        this.count(e.name, e.byStatus, e.byError);
        for (const c of e.classes) this.latency.add(e.name, c);
      }
    }
    this.achieved.set(interval.rps);
    this.agents.set(event.agents);
    this.elapsed.set(event.total.elapsedMs / 1000);
    for (const a of event.health) {
      if (!a.health) continue;
      this.cpu.set({ agent: a.name }, a.health.cpu);
      this.lag.set({ agent: a.name }, a.health.lagP99Ms / 1000);
    }
  };

  private count(request: string, byStatus: Record<string, number>, byError: Record<string, number>): void {
    let failed = 0;
    for (const [status, n] of Object.entries(byStatus)) {
      this.requests.inc({ request, status_class: statusClass(status) }, n);
      this.responses.inc({ request, status }, n);
      if (Number(status) >= 400) failed += n;
    }
    for (const [kind, n] of Object.entries(byError)) {
      this.requests.inc({ request, status_class: 'none' }, n);
      this.errors.inc({ request, kind }, n);
      failed += n;
    }
    if (failed > 0) this.failed.inc({ request }, failed);
    // A series exists from the first interval on, so rate() and increase() see its start at 0.
    else this.failed.inc({ request }, 0);
  }
}
