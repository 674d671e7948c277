import type { LatencySummary, Result } from '@volley/metrics';
import { count, duration, millis, rate } from './numbers.js';
import { table } from './table.js';

/** One configuration of `volley compare`'s matrix, as measured. */
export interface RankedRun {
  /** Client strategy: pooled or per-request. */
  client: string;
  /** 1 is sequential (one request at a time); more is concurrent. */
  concurrency: number;
  requests: number;
  durationMs: number;
  rps: number;
  errors: number;
  latency: Pick<LatencySummary, 'count' | 'mean' | 'p50' | 'p90' | 'p99' | 'max'>;
}

/** Ranks runs fastest first (by total time for the same number of requests), as the seed study's table does. */
export function rankRuns(results: Array<{ client: string; concurrency: number; result: Result }>): RankedRun[] {
  return results
    .map(({ client, concurrency, result }) => {
      const { count: n, mean, p50, p90, p99, max } = result.latency;
      return {
        client,
        concurrency,
        requests: result.requests.total,
        durationMs: Math.round(result.durationMs * 10) / 10,
        rps: result.throughput.achieved,
        errors: result.requests.errors,
        latency: { count: n, mean, p50, p90, p99, max },
      };
    })
    .sort((a, b) => a.durationMs - b.durationMs);
}

/** The ranking table: fastest first, with its speed-up over the slowest. */
export function renderRanking(ranking: RankedRun[]): string {
  const slowest = Math.max(...ranking.map((r) => r.durationMs));
  const rows = [
    ['#', 'client', 'mode', 'requests', 'time', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs slowest'],
    ...ranking.map((r, i) => [
      String(i + 1),
      r.client,
      r.concurrency === 1 ? 'sequential' : `concurrent x${r.concurrency}`,
      count(r.requests),
      duration(r.durationMs),
      rate(r.rps),
      millis(r.latency.p50),
      millis(r.latency.p99),
      count(r.errors),
      `${(slowest / Math.max(r.durationMs, 1e-9)).toFixed(2)}x`,
    ]),
  ];
  return `${table(rows, '  ')}\n`;
}

/** One figure of two results side by side. */
export interface Difference {
  metric: string;
  before: number;
  after: number;
  /** (after - before) / before, in percent; null when before is 0. */
  changePct: number | null;
  /**
   * Is the change larger than the run-to-run noise? Judged from the interval-to-interval spread of the same
   * figure in both runs: beyond noise when |after - before| exceeds twice the standard error of the difference
   * of their interval means (a Welch-style test at about 95%). Null when there are too few intervals to say.
   */
  beyondNoise: boolean | null;
  /** True when a higher value is better (req/s), false for latencies and errors. */
  higherIsBetter: boolean;
}

type Series = (r: Result) => number[];
const METRICS: Array<{ metric: string; value: (r: Result) => number; series?: Series; higherIsBetter: boolean }> = [
  {
    metric: 'req/s',
    value: (r) => r.throughput.achieved,
    series: (r) => r.intervals.map((i) => i.rps),
    higherIsBetter: true,
  },
  {
    metric: 'p50 ms',
    value: (r) => r.latency.p50,
    series: (r) => r.intervals.map((i) => i.p50),
    higherIsBetter: false,
  },
  {
    metric: 'p90 ms',
    value: (r) => r.latency.p90,
    series: (r) => r.intervals.map((i) => i.p90),
    higherIsBetter: false,
  },
  {
    metric: 'p99 ms',
    value: (r) => r.latency.p99,
    series: (r) => r.intervals.map((i) => i.p99),
    higherIsBetter: false,
  },
  { metric: 'max ms', value: (r) => r.latency.max, higherIsBetter: false },
  { metric: 'mean ms', value: (r) => r.latency.mean, higherIsBetter: false },
  {
    metric: 'error rate %',
    value: (r) => (r.requests.total > 0 ? (100 * (r.requests.total - r.requests.ok)) / r.requests.total : 0),
    series: (r) => r.intervals.map((i) => (i.requests > 0 ? (100 * i.errors) / i.requests : 0)),
    higherIsBetter: false,
  },
];

/** The key figures of two saved results, with the change and whether it is beyond noise. */
export function diffResults(before: Result, after: Result): Difference[] {
  return METRICS.map(({ metric, value, series, higherIsBetter }) => {
    const a = value(before);
    const b = value(after);
    return {
      metric,
      before: a,
      after: b,
      changePct: a !== 0 ? Math.round(((b - a) / a) * 1000) / 10 : null,
      beyondNoise: series ? beyondNoise(series(before), series(after), b - a) : null,
      higherIsBetter,
    };
  });
}

function beyondNoise(a: number[], b: number[], difference: number): boolean | null {
  // The first and last intervals are partial (ramp-up, drain): leave them out when there are enough.
  const trim = (xs: number[]) => (xs.length > 4 ? xs.slice(1, -1) : xs);
  const x = trim(a);
  const y = trim(b);
  if (x.length < 3 || y.length < 3) return null;
  const variance = (xs: number[]) => {
    const m = xs.reduce((s, v) => s + v, 0) / xs.length;
    return xs.reduce((s, v) => s + (v - m) ** 2, 0) / (xs.length - 1);
  };
  const standardError = Math.sqrt(variance(x) / x.length + variance(y) / y.length);
  return Math.abs(difference) > 2 * standardError;
}

/** The diff as a table: figure, before, after, change, and a verdict. */
export function renderDiff(diff: Difference[], names: [string, string]): string {
  const rows = [
    ['', names[0], names[1], 'change', ''],
    ...diff.map((d) => {
      const verdict =
        d.beyondNoise === null
          ? METRICS.find((m) => m.metric === d.metric)?.series
            ? 'too few intervals to judge'
            : ''
          : !d.beyondNoise || d.after === d.before
            ? 'within noise'
            : d.after > d.before === d.higherIsBetter
              ? 'better'
              : 'WORSE';
      return [
        d.metric,
        fmt(d.before),
        fmt(d.after),
        d.changePct === null ? '-' : `${d.changePct > 0 ? '+' : ''}${d.changePct.toFixed(1)}%`,
        verdict,
      ];
    }),
  ];
  return `${table(rows, '  ')}\n`;
}

const fmt = (v: number): string => (Number.isInteger(v) && v >= 1000 ? count(v) : v >= 1000 ? rate(v) : millis(v));
