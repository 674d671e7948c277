import type { Result, ThresholdResult } from '@volley/metrics';
import { checkTotals, FIGURES, type FigureUnit, parseFigureValue, type ThresholdSection } from './threshold-figures.js';

/**
 * A parsed threshold: `p99<250ms`, k6's `p(95)<200ms`, `mean<50ms`, `error_rate<0.01`, `rps>1k`, and on one named
 * request of a scenario (a journey's step) with a k6-like tag: `p(95){step=login}<300ms` (`{request=NAME}` too).
 */
export interface Threshold {
  expr: string;
  /** The figure, by its name in FIGURES (`p` for percentiles, with `p` the percentile). */
  metric: { kind: string; p?: number };
  /** The named request (step) the figure is read from; absent: the whole run. */
  selector?: { step: string };
  op: '<' | '<=' | '>' | '>=';
  /** In the figure's unit: ms for latencies, a fraction for error_rate, req/s for rps. */
  value: number;
}

/** An expression that does not parse, or names a request the run has not: one line, said before any load is sent. */
export class ThresholdError extends Error {
  readonly code = 'INVALID_THRESHOLD';
}

const EXAMPLES =
  "like p99<250ms, p(95)<200ms, mean<50ms, error_rate<0.01, rps>1k, checks>0.99 or 'p99{step=login}<300ms'";
const SHAPE =
  /^(?<figure>[a-z_]+|p\(\s*\d+(?:\.\d+)?\s*\)|p\d+(?:\.\d+)?)\s*(?:\{\s*(?<tag>[a-z_]+)\s*=\s*(?:"(?<quoted>[^"]*)"|(?<bare>[^}]*?))\s*\})?\s*(?<op><=|>=|<|>)\s*(?<value>\d+(?:\.\d+)?\s*[a-zµ%/]*)$/i;

/** Parses one expression; throws ThresholdError naming it. */
export function parseThreshold(text: string): Threshold {
  const expr = text.trim();
  const groups = SHAPE.exec(expr)?.groups;
  if (!groups) throw new ThresholdError(`not a threshold: ${JSON.stringify(text)} (${EXAMPLES})`);
  const figure = (groups.figure ?? '').toLowerCase();
  let metric: Threshold['metric'];
  if (/^p[(\d]/.test(figure)) {
    const p = Number(figure.replace(/^p\(?\s*|\s*\)$/g, ''));
    if (!(p > 0 && p <= 100)) throw new ThresholdError(`${expr}: a percentile is above 0 and at most 100`);
    metric = { kind: 'p', p };
  } else if (Object.hasOwn(FIGURES, figure) && figure !== 'p') {
    metric = { kind: figure };
  } else {
    throw new ThresholdError(`${expr}: unknown figure ${JSON.stringify(groups.figure)} (${EXAMPLES})`);
  }
  const unit = (FIGURES[metric.kind] as { unit: FigureUnit }).unit;
  const value = parseFigureValue(unit, groups.value ?? '', figure.replace(/^p.*/, 'a percentile'));
  if (typeof value === 'string') throw new ThresholdError(`${expr}: ${value}`);
  const threshold: Threshold = { expr, metric, op: groups.op as Threshold['op'], value };
  if (groups.tag !== undefined) {
    const tag = groups.tag.toLowerCase();
    if (tag !== 'step' && tag !== 'request') {
      throw new ThresholdError(
        `${expr}: unknown tag ${JSON.stringify(groups.tag)} (use {step=NAME} or {request=NAME})`,
      );
    }
    const step = groups.quoted ?? groups.bare ?? '';
    if (step === '') throw new ThresholdError(`${expr}: {${tag}=...} needs a name`);
    threshold.selector = { step };
  }
  return threshold;
}

/**
 * Checks, before a run, that every threshold's named request is one the run has (`names`: the scenario's
 * requests, a journey's steps); throws ThresholdError naming the unknown one and the known ones.
 */
export function checkThresholdNames(thresholds: readonly Threshold[], names: readonly string[]): void {
  for (const t of thresholds) {
    if (t.selector !== undefined && !names.includes(t.selector.step)) throw new ThresholdError(unknownName(t, names));
  }
}

function unknownName(t: Threshold, names: readonly string[]): string {
  const known = names.length > 0 ? `the run has ${names.map((n) => JSON.stringify(n)).join(', ')}` : 'the run has none';
  return `${t.expr}: no request named ${JSON.stringify(t.selector?.step)} (${known})`;
}

/** The section a threshold reads: the whole run, or its named request; undefined when the run has no such name. */
function sectionOf(t: Threshold, result: Result): ThresholdSection | undefined {
  if (t.selector === undefined) {
    return {
      requests: result.requests,
      latency: result.latency,
      rps: result.throughput.achieved,
      checks: checkTotals(result.endpoints ?? []),
    };
  }
  const endpoint = (result.endpoints ?? []).find((e) => e.name === t.selector?.step);
  if (endpoint === undefined) return undefined;
  const seconds = result.durationMs / 1000;
  const responses = endpoint.requests.total - endpoint.requests.errors;
  return {
    requests: endpoint.requests,
    latency: endpoint.latency,
    rps: seconds > 0 ? responses / seconds : 0,
    checks: checkTotals([endpoint]),
  };
}

/** The figure a threshold is about (ms for latencies), from the merged result; NaN when its name is not in it. */
export function actualValue(t: Threshold, result: Result): number {
  const section = sectionOf(t, result);
  const figure = FIGURES[t.metric.kind];
  return section === undefined || figure === undefined ? Number.NaN : figure.read(section, t.metric.p);
}

const holds = (actual: number, op: Threshold['op'], value: number): boolean =>
  op === '<' ? actual < value : op === '<=' ? actual <= value : op === '>' ? actual > value : actual >= value;

/**
 * Evaluates every threshold on the result. A latency of a run (or a request) with no responses fails: nothing was
 * shown. A named request the result does not have fails, with a reason saying so.
 */
export function evaluateThresholds(thresholds: readonly Threshold[], result: Result): ThresholdResult[] {
  return thresholds.map((t) => {
    const section = sectionOf(t, result);
    const figure = FIGURES[t.metric.kind];
    if (section === undefined || figure === undefined) {
      const names = (result.endpoints ?? []).map((e) => e.name);
      return { expr: t.expr, actual: 0, pass: false, reason: unknownName(t, names) };
    }
    const actual = figure.read(section, t.metric.p);
    const reason =
      figure.needsResponses && section.latency.count === 0 ? 'no responses to measure' : figure.missing?.(section);
    return {
      expr: t.expr,
      actual: Math.round(actual * 1e6) / 1e6,
      pass: reason === undefined && holds(actual, t.op, t.value),
      ...(reason !== undefined ? { reason } : {}),
    };
  });
}
