import { createTotalHistogram, decodeHistogramBase64, type Histogram, type Result } from '@volley/metrics';
import { type Distribution, distribution } from './distribution.js';
import { bytes, count, duration, millis, rate } from './numbers.js';
import { ERROR_HINTS, errorKindLabel } from './text.js';

/** One headline number of the page. */
export interface Figure {
  id: string;
  label: string;
  value: string;
  detail: string;
}

/** A chart: columns as uPlot takes them (x first), one series per further column. */
export interface Chart {
  id: string;
  title: string;
  /** 'seconds': x is time since the start; 'percentile': x is 1/(1-p), drawn on a log scale. */
  x: 'seconds' | 'percentile';
  yLabel: string;
  series: Array<{ label: string; color: string; dash?: number[] }>;
  data: Array<Array<number | null>>;
  note: string;
}

/** A table of text cells. */
export interface Table {
  id: string;
  title: string;
  head: string[];
  rows: string[][];
  note: string;
}

/**
 * Everything the HTML page shows, formatted here (the same formatting as the text report) so the page's script
 * only lays it out. Every string in it is text for `textContent`, never markup.
 */
export interface HtmlView {
  title: string;
  aborted: boolean;
  meta: Array<[string, string]>;
  figures: Figure[];
  charts: Chart[];
  tables: Table[];
}

const COLORS = { blue: '#2563eb', red: '#dc2626', grey: '#6b7280', green: '#059669', amber: '#d97706' };

/** The result as the HTML page shows it. */
export function htmlView(result: Result): HtmlView {
  const { plan, requests, latency } = result;
  const open = plan.model === 'open';
  const target = `${String(plan.method ?? 'GET')} ${String(plan.url)}`;
  return {
    title: `Volley: ${target}`,
    aborted: result.aborted,
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
      ...(result.thresholds.length > 0
        ? [
            {
              id: 'thresholds',
              title: 'Thresholds',
              head: ['threshold', 'actual', ''],
              rows: result.thresholds.map((t) => [t.expr, String(t.actual), t.pass ? 'pass' : 'FAIL']),
              note: '',
            },
          ]
        : []),
      {
        id: 'plan',
        title: 'Plan',
        head: ['setting', 'value'],
        rows: Object.entries(plan).map(([k, v]) => [k, typeof v === 'string' ? v : (JSON.stringify(v) ?? '')]),
        note: 'As run, with defaults filled in.',
      },
    ],
  };
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
      detail: `${count(requests.ok)} ok, ${count(failedStatus)} status ≥ 400`,
    },
    { id: 'errors', label: 'errors', value: count(requests.errors), detail: 'no response' },
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

function throughputChart(result: Result): Chart {
  const { intervals, plan, throughput } = result;
  const perSecond = (n: number, ms: number): number => (ms > 0 ? Math.round((n * 10000) / ms) / 10 : 0);
  // A constant asked rate is one line; with stages the asked rate changes and only its average is known.
  const asked = throughput.target !== null && !(Array.isArray(plan.stages) && plan.stages.length > 0);
  return {
    id: 'throughput',
    title: 'Throughput',
    x: 'seconds',
    yLabel: 'per second',
    series: [
      { label: 'requests/s', color: COLORS.blue },
      { label: 'errors/s', color: COLORS.red },
      ...(asked ? [{ label: 'asked/s', color: COLORS.grey, dash: [6, 4] }] : []),
    ],
    data: [
      intervals.map((i) => i.t),
      intervals.map((i) => i.rps),
      intervals.map((i) => perSecond(i.errors, i.durationMs)),
      ...(asked ? [intervals.map(() => throughput.target)] : []),
    ],
    note: intervals.length === 0 ? 'No interval was recorded.' : 'One point per interval, at its start.',
  };
}

function latencyChart(result: Result): Chart {
  const { intervals } = result;
  return {
    id: 'latency-over-time',
    title: 'Latency over time',
    x: 'seconds',
    yLabel: 'ms',
    series: [
      { label: 'p50', color: COLORS.green },
      { label: 'p90', color: COLORS.blue },
      { label: 'p99', color: COLORS.amber },
      { label: 'max', color: COLORS.red },
    ],
    data: [
      intervals.map((i) => i.t),
      intervals.map((i) => i.p50),
      intervals.map((i) => i.p90),
      intervals.map((i) => i.p99),
      intervals.map((i) => i.max),
    ],
    note: intervals.length === 0 ? 'No interval was recorded.' : '',
  };
}

function distributionChart(result: Result): Chart {
  const latency = wholeRun(result);
  const service = result.serviceTime ? decodeHistogramBase64(result.serviceTime.histogram) : undefined;
  const curve: Distribution = distribution([
    { label: service ? 'latency (corrected)' : 'latency', histogram: latency },
    ...(service ? [{ label: 'service time', histogram: service }] : []),
  ]);
  latency.destroy();
  service?.destroy();
  return {
    id: 'distribution',
    title: 'Latency by percentile',
    x: 'percentile',
    yLabel: 'ms',
    series: curve.series.map((s, i) => ({ label: s.label, color: i === 0 ? COLORS.blue : COLORS.amber })),
    data: [curve.x, ...curve.series.map((s) => s.ms)],
    note:
      result.latency.count === 0
        ? 'No response, no latency.'
        : service
          ? 'Whole run. Corrected: from the intended send time; service time: from the actual send.'
          : 'Whole run, all agents merged.',
  };
}

/** The whole run's latencies: the sum of the interval histograms (the whole-run one if there are no intervals). */
function wholeRun(result: Result): Histogram {
  if (result.intervals.length === 0) return decodeHistogramBase64(result.latency.histogram);
  const sum = createTotalHistogram();
  for (const interval of result.intervals) {
    const h = decodeHistogramBase64(interval.histogram);
    sum.add(h);
    h.destroy();
  }
  return sum;
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
