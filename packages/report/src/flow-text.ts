import type { Result } from '@volley/metrics';
import { count, millis, rate } from './numbers.js';
import { table } from './table.js';

interface FlowPlan {
  pick?: string;
  steps?: Array<{ name: string }>;
  data?: Array<{ name: string; order: string; rows: number }>;
}

/** The journey's part of the text report: iterations, a row per step with its checks, the data used. */
export function flowLines(result: Result): string[] {
  const iterations = result.iterations;
  if (!iterations) return [];
  const flow = (result.plan.flow ?? {}) as FlowPlan;
  const out: string[] = [];
  const perSecond = result.durationMs > 0 ? (iterations.count * 1000) / result.durationMs : 0;
  const d = iterations.duration;
  out.push(
    '',
    `  iterations: ${count(iterations.count)} completed of ${count(iterations.started)} begun, ${rate(perSecond)}/s; ` +
      (d.count > 0
        ? `duration p50 ${millis(d.p50)} ms, p99 ${millis(d.p99)} ms, max ${millis(d.max)} ms`
        : 'none ended'),
  );
  for (const set of flow.data ?? []) {
    const used = set.order === 'unique' ? `, ${count(iterations.started)} used` : '';
    out.push(`  data ${set.name} (${set.order}): ${count(set.rows)} rows${used}`);
  }
  const steps = result.endpoints ?? [];
  if (steps.length === 0) return out;
  out.push('', '  steps (latency in ms; checks passed / failed)');
  const rows: string[][] = [['step', 'requests', 'errors', 'failed status', 'p50', 'p99', 'max', 'checks']];
  for (const s of steps) {
    const passed = (s.checks ?? []).reduce((n, c) => n + c.passed, 0);
    const failed = (s.checks ?? []).reduce((n, c) => n + c.failed, 0);
    rows.push([
      s.name,
      count(s.requests.total),
      count(s.requests.errors),
      count(s.requests.total - s.requests.ok - s.requests.errors),
      millis(s.latency.p50),
      millis(s.latency.p99),
      millis(s.latency.max),
      s.checks && s.checks.length > 0 ? `${count(passed)} / ${count(failed)}${failed > 0 ? ' FAILED' : ''}` : '',
    ]);
  }
  out.push(table(rows, '    '));
  const failing = steps.flatMap((s) =>
    (s.checks ?? []).filter((c) => c.failed > 0).map((c) => ({ step: s.name, ...c })),
  );
  if (failing.length > 0) {
    out.push('', '  failed checks');
    out.push(
      table(
        failing.map((c) => [
          `${c.step}: ${c.name}`,
          `${count(c.failed)} failed`,
          `of ${count(c.passed + c.failed)}`,
          `(${((100 * c.failed) / (c.passed + c.failed)).toFixed(2)}%)`,
        ]),
        '    ',
      ),
    );
  }
  return out;
}

/** `journey: 3 steps on http://host`, for the report's first line. */
export function describeFlow(plan: Record<string, unknown>): string | undefined {
  const flow = plan.flow as FlowPlan | undefined;
  if (!flow?.steps) return undefined;
  const kind = flow.pick === 'weighted' ? 'requests with data' : 'journey';
  return `${kind}: ${flow.steps.length} ${flow.pick === 'weighted' ? 'requests' : 'steps'} on ${new URL(String(plan.url)).origin}`;
}
