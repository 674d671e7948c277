import { decodeHistogramBase64, type LatencySummary, type RequestCounts } from '@volley/metrics';
import { parseRate } from '@volley/plan';

/**
 * What a figure is read from: the whole run, or one named request (a scenario's, a journey's step) of it. Every
 * figure is computed from merged counts and histograms, so it holds for a distributed run as for one agent.
 */
export interface ThresholdSection {
  requests: RequestCounts;
  latency: LatencySummary;
  /** Responses per second over the run. */
  rps: number;
  /** A journey's checks (captures included): the whole run's, or the step's. */
  checks: { passed: number; failed: number };
}

/** How a figure's value is written: a latency with a unit (ms), a fraction (0.01 or 1%), or a rate (1k, 500/s). */
export type FigureUnit = 'latency' | 'fraction' | 'rate';

/**
 * One figure thresholds can be set on. Adding one (`checks`, once journeys count them) is an entry in FIGURES:
 * its unit, how it is read from a section, and whether it means anything when nothing was answered.
 */
export interface Figure {
  unit: FigureUnit;
  /** `arg` is the percentile of `p99` / `p(95)`; the others take none. */
  read(section: ThresholdSection, arg: number | undefined): number;
  /** A latency of a run with no responses would read 0 and pass: such a threshold fails instead. */
  needsResponses: boolean;
  /** Why the figure cannot be read from this section (nothing it is about happened), if so: the threshold fails. */
  missing?(section: ThresholdSection): string | undefined;
}

const latency = (pick: (l: LatencySummary) => number): Figure => ({
  unit: 'latency',
  read: (s) => pick(s.latency),
  needsResponses: true,
});

/** The figures by name; `p` is the percentile (written p99, p99.9 or k6's p(95)). */
export const FIGURES: Record<string, Figure> = {
  p: {
    unit: 'latency',
    needsResponses: true,
    read: (s, p) => {
      const h = decodeHistogramBase64(s.latency.histogram);
      try {
        return h.totalCount === 0 ? 0 : h.getValueAtPercentile(p ?? 50) / 1000;
      } finally {
        h.destroy();
      }
    },
  },
  mean: latency((l) => l.mean),
  avg: latency((l) => l.mean),
  med: latency((l) => l.p50),
  min: latency((l) => l.min),
  max: latency((l) => l.max),
  error_rate: {
    unit: 'fraction',
    needsResponses: false,
    // Requests without an ok status (errors and statuses >= 400) over all.
    read: (s) => (s.requests.total === 0 ? 0 : (s.requests.total - s.requests.ok) / s.requests.total),
  },
  rps: { unit: 'rate', needsResponses: false, read: (s) => s.rps },
  // k6's `checks` rate: the share of a journey's checks that passed.
  checks: {
    unit: 'fraction',
    needsResponses: false,
    read: (s) => {
      const all = s.checks.passed + s.checks.failed;
      return all === 0 ? 0 : s.checks.passed / all;
    },
    missing: (s) => (s.checks.passed + s.checks.failed === 0 ? 'no checks ran' : undefined),
  },
};

/** Check tallies added up: over every step of a result, or one step's. */
export function checkTotals(steps: ReadonlyArray<{ checks?: Array<{ passed: number; failed: number }> }>): {
  passed: number;
  failed: number;
} {
  let passed = 0;
  let failed = 0;
  for (const step of steps) {
    for (const c of step.checks ?? []) {
      passed += c.passed;
      failed += c.failed;
    }
  }
  return { passed, failed };
}

const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000 };

/** A threshold's value in its figure's unit (ms, a fraction, req/s); a message when it is not one. */
export function parseFigureValue(unit: FigureUnit, text: string, figure: string): number | string {
  if (unit === 'rate') {
    try {
      return parseRate(text, figure);
    } catch (err) {
      return (err as Error).message;
    }
  }
  const m = /^(\d+(?:\.\d+)?)\s*([a-zµ%]*)$/i.exec(text);
  if (!m) return `${figure} needs a number, got ${JSON.stringify(text)}`;
  const number = Number(m[1]);
  const suffix = (m[2] ?? '').toLowerCase();
  if (unit === 'latency') {
    const scale = UNIT_MS[suffix];
    return scale === undefined ? 'a latency needs a unit: us, ms, s or m' : number * scale;
  }
  if (suffix === '%') return number / 100;
  return suffix === '' ? number : `${figure} takes a bare number or a percentage, not ${JSON.stringify(suffix)}`;
}
