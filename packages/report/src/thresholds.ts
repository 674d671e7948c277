import { decodeHistogramBase64, type Result, type ThresholdResult } from '@volley/metrics';

/** A parsed threshold: `p99<250ms`, `p99.9<=1s`, `mean<50ms`, `max<2s`, `error_rate<0.01`, `rps>1000`. */
export interface Threshold {
  expr: string;
  metric: { kind: 'percentile'; p: number } | { kind: 'mean' | 'max' | 'error_rate' | 'rps' };
  op: '<' | '<=' | '>' | '>=';
  /** In the metric's unit: ms for latencies, a fraction for error_rate, req/s for rps. */
  value: number;
}

/** An expression that does not parse: one line, said before any load is sent. */
export class ThresholdError extends Error {
  readonly code = 'INVALID_THRESHOLD';
}

const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000 };
const EXAMPLES = 'like p99<250ms, p99.9<1s, mean<50ms, error_rate<0.01 or rps>1000';

/** Parses one expression; throws ThresholdError naming it. */
export function parseThreshold(text: string): Threshold {
  const expr = text.trim();
  const m = /^([a-z_]+|p\d+(?:\.\d+)?)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*([a-zµ]*)$/i.exec(expr);
  if (!m) throw new ThresholdError(`not a threshold: ${JSON.stringify(text)} (${EXAMPLES})`);
  const [, name = '', op = '<', number = '0', unit = ''] = m;
  const lower = name.toLowerCase();
  let metric: Threshold['metric'];
  if (/^p\d/.test(lower)) {
    const p = Number(lower.slice(1));
    if (!(p > 0 && p <= 100)) throw new ThresholdError(`${expr}: a percentile is above 0 and at most 100`);
    metric = { kind: 'percentile', p };
  } else if (lower === 'mean' || lower === 'max' || lower === 'error_rate' || lower === 'rps') {
    metric = { kind: lower };
  } else {
    throw new ThresholdError(`${expr}: unknown figure ${JSON.stringify(name)} (${EXAMPLES})`);
  }
  let value = Number(number);
  const latency = metric.kind === 'percentile' || metric.kind === 'mean' || metric.kind === 'max';
  if (latency) {
    const scale = UNIT_MS[unit.toLowerCase()];
    if (scale === undefined) throw new ThresholdError(`${expr}: a latency needs a unit: us, ms, s or m`);
    value *= scale;
  } else if (unit !== '') {
    throw new ThresholdError(`${expr}: ${metric.kind} takes a bare number, not ${JSON.stringify(unit)}`);
  }
  return { expr, metric, op: op as Threshold['op'], value };
}

/**
 * The figure a threshold is about, from the merged result (so it holds for a distributed run as for one agent):
 * latencies in ms, percentiles computed from the whole run's histogram (exact for any percentile, not only the
 * ones the report prints); error_rate = requests without an ok status (errors and statuses >= 400) / all.
 */
export function actualValue(t: Threshold, result: Result): number {
  switch (t.metric.kind) {
    case 'percentile': {
      const h = decodeHistogramBase64(result.latency.histogram);
      try {
        return h.totalCount === 0 ? 0 : h.getValueAtPercentile(t.metric.p) / 1000;
      } finally {
        h.destroy();
      }
    }
    case 'mean':
      return result.latency.mean;
    case 'max':
      return result.latency.max;
    case 'error_rate':
      return result.requests.total === 0 ? 0 : (result.requests.total - result.requests.ok) / result.requests.total;
    case 'rps':
      return result.throughput.achieved;
  }
}

/** Evaluates every threshold on the result. A run with no responses fails latency thresholds: nothing was shown. */
export function evaluateThresholds(thresholds: readonly Threshold[], result: Result): ThresholdResult[] {
  return thresholds.map((t) => {
    const actual = actualValue(t, result);
    const noData = t.metric.kind !== 'error_rate' && t.metric.kind !== 'rps' && result.latency.count === 0;
    const pass =
      !noData &&
      (t.op === '<'
        ? actual < t.value
        : t.op === '<='
          ? actual <= t.value
          : t.op === '>'
            ? actual > t.value
            : actual >= t.value);
    return { expr: t.expr, actual: Math.round(actual * 1e6) / 1e6, pass };
  });
}
