import type { Result } from '@volley/metrics';
import { count, millis, rate } from './numbers.js';
import { table } from './table.js';

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

/** Is this figure worse, beyond the noise? (Only a judged change counts: too few intervals is not a regression.) */
export function isRegression(d: Difference): boolean {
  return d.beyondNoise === true && d.after !== d.before && d.after > d.before !== d.higherIsBetter;
}

/** The plan fields that make two runs comparable: load, bounds, requests, client and protocol. */
const PLAN_FIELDS = [
  'url',
  'method',
  'model',
  'connections',
  'rate',
  'stages',
  'durationMs',
  'requests',
  'client',
  'pipelining',
  'http2',
  'body',
  'endpoints',
] as const;

/**
 * How two results' plans differ, one short phrase per field (`connections 1 vs 8`): a diff of two runs that did
 * not ask the same of the server compares the plans as much as the server. Empty when they match.
 */
export function planDifferences(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const shown = (v: unknown): string => {
    const text = typeof v === 'string' ? v : JSON.stringify(v ?? null);
    return text.length > 40 ? `${text.slice(0, 37)}...` : text;
  };
  return PLAN_FIELDS.filter((f) => JSON.stringify(before[f] ?? null) !== JSON.stringify(after[f] ?? null)).map((f) =>
    f === 'body' || f === 'endpoints' ? `${f} differ` : `${f} ${shown(before[f])} vs ${shown(after[f])}`,
  );
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

/** The diff as `diff --format json` prints and `-o` saves it: `{ "before": A, "after": B, "diff": [...] }`. */
export function renderDiffJson(diff: Difference[], names: [string, string]): string {
  return `${JSON.stringify({ before: names[0], after: names[1], diff }, null, 2)}\n`;
}
