import {
  createTotalHistogram,
  decodeHistogramBase64,
  type EndpointSummary,
  type Histogram,
  type Result,
} from '@volley/metrics';
import { type Distribution, distribution } from './distribution.js';

/** A chart: columns as uPlot takes them (x first), one series per further column. */
export interface Chart {
  id: string;
  title: string;
  /** 'seconds': x is time since the start; 'percentile': x is 1/(1-p), drawn on a log scale. */
  x: 'seconds' | 'percentile';
  yLabel: string;
  /** A log scale for y (latencies over time: a spike and the median are both legible); 0 becomes a gap. */
  yLog?: boolean;
  series: Array<{ label: string; color: string; dash?: number[] }>;
  data: Array<Array<number | null>>;
  note: string;
}

export const COLORS = { blue: '#2563eb', red: '#dc2626', grey: '#6b7280', green: '#059669', amber: '#d97706' };

export function throughputChart(result: Result): Chart {
  const { intervals, plan, throughput } = result;
  const perSecond = (n: number, ms: number): number => (ms > 0 ? Math.round((n * 10000) / ms) / 10 : 0);
  // The asked rate as the plan asked it: a line, or the ramps of its stages, at each interval's middle.
  const asked = throughput.target !== null && plan.model === 'open';
  const stages = Array.isArray(plan.stages) ? (plan.stages as Array<{ durationMs: number; target: number }>) : [];
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
      ...(asked
        ? [intervals.map((i) => round1(askedAt(Number(plan.rate), stages, i.t * 1000 + i.durationMs / 2)))]
        : []),
    ],
    note: intervals.length === 0 ? 'No interval was recorded.' : 'One point per interval, at its start.',
  };
}

const round1 = (n: number): number => Math.round(n * 10) / 10;

/** The rate asked at `ms` into the run: `start`, then each stage's linear ramp to its target in turn. */
export function askedAt(start: number, stages: ReadonlyArray<{ durationMs: number; target: number }>, ms: number) {
  let from = start;
  let at = 0;
  for (const s of stages) {
    if (ms < at + s.durationMs) return from + ((s.target - from) * (ms - at)) / s.durationMs;
    at += s.durationMs;
    from = s.target;
  }
  return from;
}

export function latencyChart(result: Result): Chart {
  const { intervals } = result;
  return {
    id: 'latency-over-time',
    title: 'Latency over time (log scale)',
    x: 'seconds',
    yLabel: 'ms',
    yLog: true,
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

export function distributionChart(result: Result): Chart {
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

/** A named request's latency by percentile, from its own whole-run histogram. */
export function endpointDistributionChart(e: EndpointSummary): Chart {
  const h = decodeHistogramBase64(e.latency.histogram);
  const curve = distribution([{ label: e.name, histogram: h }]);
  h.destroy();
  return {
    id: `request-${e.name}`,
    title: `${e.name}: latency by percentile`,
    x: 'percentile',
    yLabel: 'ms',
    series: [{ label: 'latency', color: COLORS.blue }],
    data: [curve.x, ...curve.series.map((s) => s.ms)],
    note: e.latency.count === 0 ? 'No response, no latency.' : '',
  };
}
