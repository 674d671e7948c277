import type { EndpointSummary, Result } from '@volley/metrics';
import { HEALTH_HEAD, healthNote, healthRows, saturationWarnings } from './health.js';
import {
  type Chart,
  distributionChart,
  endpointDistributionChart,
  latencyChart,
  throughputChart,
} from './html-charts.js';
import { flowTables } from './html-flow.js';
import { planRows } from './html-plan.js';
import type { Table } from './html-table.js';
import { bytes, count, duration, millis, rate } from './numbers.js';
import { ERROR_HINTS, errorKindLabel, formatActual } from './text.js';

export type { Chart } from './html-charts.js';
export type { Table } from './html-table.js';

/** One headline number of the page. */
export interface Figure {
  id: string;
  label: string;
  value: string;
  detail: string;
}

/** One named request (or flow step) of a scenario: its table and its latency by percentile. */
export interface RequestSection {
  name: string;
  table: Table;
  chart: Chart;
}

/**
 * Everything the HTML page shows, formatted here (the same formatting as the text report) so the page's script
 * only lays it out. Every string in it is text for `textContent`, never markup.
 */
export interface HtmlView {
  title: string;
  aborted: boolean;
  /** One-line warnings shown under the title (a saturated agent). */
  warnings: string[];
  /** The thresholds' verdict, as a banner; absent when none was set. */
  verdict?: { pass: boolean; text: string };
  meta: Array<[string, string]>;
  figures: Figure[];
  charts: Chart[];
  tables: Table[];
  /** Scenario runs: a section per named request, after the tables; empty otherwise. */
  requests: RequestSection[];
}

/** The result as the HTML page shows it. */
export function htmlView(result: Result): HtmlView {
  const { plan, requests, latency } = result;
  const open = plan.model === 'open';
  const target = describeTarget(plan);
  const failed = result.thresholds.filter((t) => !t.pass).length;
  return {
    title: `Volley: ${target}`,
    aborted: result.aborted,
    warnings: saturationWarnings(result),
    ...(result.thresholds.length > 0
      ? {
          verdict: {
            pass: failed === 0,
            text:
              failed === 0
                ? `All ${result.thresholds.length} thresholds passed`
                : `${failed} of ${result.thresholds.length} thresholds FAILED`,
          },
        }
      : {}),
    meta: [
      ['target', target],
      ['model', open ? 'open (a fixed rate of sends)' : 'closed (connections wait for responses)'],
      ['load', load(result)],
      ['duration', `${duration(result.durationMs)} (planned ${planned(plan)})`],
      ['client', String(plan.client)],
      ['started', result.startedAt.replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC')],
      ['agents', count(result.agents.length)],
      ['data', `${bytes(result.bytes.sent)} sent, ${bytes(result.bytes.received)} received`],
      ['stopped early', result.aborted ? 'yes: the figures cover what was measured until then' : 'no'],
      ['volley', result.tool.version],
    ],
    figures: figures(result),
    charts: [throughputChart(result), latencyChart(result), distributionChart(result)],
    tables: [
      outcomesTable(requests),
      {
        id: 'latency',
        title: 'Latency (ms)',
        head: ['', 'count', 'min', 'mean', 'stdev', 'p50', 'p75', 'p90', 'p99', 'p99.9', 'p99.99', 'max'],
        rows: result.serviceTime
          ? [latencyRow('from intended send (corrected)', latency), latencyRow('service time', result.serviceTime)]
          : [latencyRow('latency', latency)],
        note: open ? 'Open model: latency counts from the time each request should have been sent (wrk2).' : '',
      },
      {
        id: 'agents',
        title: 'Agents',
        head: ['name', 'host', 'requests', 'errors', 'p50', 'p90', 'p99', 'max', ''],
        rows: result.agents.map((a) => [
          a.name,
          a.host,
          count(a.requests),
          count(a.errors),
          ...[a.latency.p50, a.latency.p90, a.latency.p99, a.latency.max].map(millis),
          a.lost ? 'LOST' : '',
        ]),
        note: '',
      },
      ...healthTable(result),
      ...flowTables(result),
      ...(result.thresholds.length > 0
        ? [
            {
              id: 'thresholds',
              title: 'Thresholds',
              head: ['threshold', 'actual', ''],
              rows: result.thresholds.map((t) => [t.expr, formatActual(t.expr, t.actual), t.pass ? 'pass' : 'FAIL']),
              rowClasses: result.thresholds.map((t) => (t.pass ? 'pass' : 'fail')),
              note: '',
            },
          ]
        : []),
      {
        id: 'plan',
        title: 'Plan',
        head: ['setting', 'value'],
        rows: planRows(plan),
        note: 'As asked for; settings left at their defaults are not shown (the JSON result has every one).',
      },
    ],
    requests: (result.endpoints ?? []).map((e) => requestSection(e, result)),
  };
}

/** `GET http://host/path`; a scenario by its requests' names, a flow by its steps'. */
function describeTarget(plan: Record<string, unknown>): string {
  const names = (list: unknown): string[] =>
    Array.isArray(list) ? list.map((e) => String((e as { name?: unknown }).name)) : [];
  const listed = (items: string[]): string =>
    items.length <= 4 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
  const origin = (): string => {
    try {
      return new URL(String(plan.url)).origin;
    } catch {
      return String(plan.url);
    }
  };
  const steps = names((plan.flow as { steps?: unknown } | undefined)?.steps);
  if (steps.length > 0) return `flow ${listed(steps)} on ${origin()}`;
  const requests = names(plan.endpoints);
  if (requests.length > 0) return `scenario ${listed(requests)} on ${origin()}`;
  return `${String(plan.method ?? 'GET')} ${String(plan.url)}`;
}

/** A named request's own table (its counts, share and percentiles) and its latency curve. */
function requestSection(e: EndpointSummary, result: Result): RequestSection {
  const weights = (result.endpoints ?? []).reduce((n, x) => n + x.weight, 0);
  const failed = e.requests.total - e.requests.ok - e.requests.errors;
  const share = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-');
  const l = e.latency;
  return {
    name: e.name,
    table: {
      id: `request-${e.name}`,
      title: `${result.iterations ? 'Step' : 'Request'} ${e.name}`,
      head: ['requests', 'share', 'asked', 'errors', '≥ 400', 'p50', 'p90', 'p99', 'p99.9', 'max'],
      rows: [
        [
          count(e.requests.total),
          share(e.requests.total, result.requests.total),
          share(e.weight, weights),
          count(e.requests.errors),
          count(failed),
          ...[l.p50, l.p90, l.p99, l.p99_9, l.max].map(millis),
        ],
      ],
      note: 'Latencies in ms. share: of all requests; asked: its weight over the sum of weights.',
    },
    chart: endpointDistributionChart(e),
  };
}

/** The generator health table, if any agent reported its health. */
function healthTable(result: Result): Table[] {
  const rows = healthRows(result);
  if (rows.length === 0) return [];
  return [{ id: 'health', title: 'Generator health', head: HEALTH_HEAD, rows, note: healthNote(result) }];
}

function load(result: Result): string {
  const { plan } = result;
  const stages = Array.isArray(plan.stages) ? (plan.stages as Array<{ durationMs: number; target: number }>) : [];
  const ramp = stages.map((s) => ` → ${s.target} over ${duration(s.durationMs)}`).join('');
  if (plan.model === 'open') {
    return `${rate(Number(plan.rate))} req/s${ramp}, at most ${String(plan.connections)} connections`;
  }
  return `${String(plan.connections)} connections${ramp}`;
}

function planned(plan: Record<string, unknown>): string {
  return Number(plan.requests) > 0 ? `${count(Number(plan.requests))} requests` : duration(Number(plan.durationMs));
}

function figures(result: Result): Figure[] {
  const { requests, latency, throughput } = result;
  const failedStatus = requests.total - requests.ok - requests.errors;
  const corrected = result.serviceTime ? ' (corrected)' : '';
  const ms = (id: string, label: string, v: number, service: number | undefined): Figure => ({
    id,
    label: label + corrected,
    value: `${millis(v)} ms`,
    detail: service === undefined ? '' : `service ${millis(service)} ms`,
  });
  const s = result.serviceTime ?? undefined;
  return [
    {
      id: 'requests',
      label: 'requests',
      value: count(requests.total),
      detail: `${count(requests.ok)} ok`,
    },
    {
      // A 5xx is as much a failure as a reset: the card counts both, and says how many of each.
      id: 'errors',
      label: 'errors',
      value: count(failedStatus + requests.errors),
      detail: `${count(failedStatus)} status ≥ 400, ${count(requests.errors)} no response`,
    },
    {
      id: 'throughput',
      label: 'req/s achieved',
      value: rate(throughput.achieved),
      detail:
        throughput.target === null
          ? 'closed model: no rate asked'
          : `asked ${rate(throughput.target)}; ${count(throughput.late)} sent late${
              throughput.dropped ? `; ${count(throughput.dropped)} never sent` : ''
            }`,
    },
    ms('p50', 'p50', latency.p50, s?.p50),
    ms('p90', 'p90', latency.p90, s?.p90),
    ms('p99', 'p99', latency.p99, s?.p99),
    ms('p99_9', 'p99.9', latency.p99_9, s?.p99_9),
    ms('max', 'max', latency.max, s?.max),
  ];
}

function outcomesTable(requests: Result['requests']): Table {
  const share = (n: number): string => (requests.total > 0 ? `${((100 * n) / requests.total).toFixed(1)}%` : '');
  const byCount = (counts: Record<string, number>): Array<[string, number]> =>
    Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return {
    id: 'outcomes',
    title: 'Statuses and errors',
    head: ['outcome', 'kind', 'count', 'share', 'meaning'],
    rows: [
      ...byCount(requests.byStatus).map(([s, n]) => [
        'status',
        s,
        count(n),
        share(n),
        Number(s) >= 400 ? 'not ok' : '',
      ]),
      ...byCount(requests.byError).map(([e, n]) => [
        'error',
        errorKindLabel(e),
        count(n),
        share(n),
        ERROR_HINTS[e] ?? '',
      ]),
    ],
    note: requests.total === 0 ? 'No request was sent.' : 'Every request ends in exactly one row.',
  };
}

function latencyRow(label: string, l: Result['latency']): string[] {
  return [
    label,
    count(l.count),
    ...[l.min, l.mean, l.stdev, l.p50, l.p75, l.p90, l.p99, l.p99_9, l.p99_99, l.max].map(millis),
  ];
}
