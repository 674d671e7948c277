import type { Result } from '@volley/metrics';
import type { Table } from './html-table.js';
import { count, millis, rate } from './numbers.js';

interface FlowPlan {
  data?: Array<{ name: string; order: string; rows: number }>;
}

/** A journey's tables for the HTML page: its iterations and data, and every check of every step. */
export function flowTables(result: Result): Table[] {
  const iterations = result.iterations;
  if (!iterations) return [];
  const flow = (result.plan.flow ?? {}) as FlowPlan;
  const d = iterations.duration;
  const perSecond = result.durationMs > 0 ? (iterations.count * 1000) / result.durationMs : 0;
  const tables: Table[] = [
    {
      id: 'iterations',
      title: 'Iterations',
      head: ['completed', 'begun', 'per second', 'p50', 'p90', 'p99', 'max'],
      rows: [
        [
          count(iterations.count),
          count(iterations.started),
          rate(perSecond),
          ...(d.count > 0 ? [d.p50, d.p90, d.p99, d.max].map(millis) : ['-', '-', '-', '-']),
        ],
      ],
      note:
        'Durations in ms, think time included. ' +
        (flow.data ?? [])
          .map(
            (s) =>
              `Data ${s.name} (${s.order}): ${count(s.rows)} rows${s.order === 'unique' ? `, ${count(iterations.started)} used` : ''}.`,
          )
          .join(' '),
    },
  ];
  const rows: string[][] = [];
  const classes: string[] = [];
  for (const step of result.endpoints ?? []) {
    for (const c of step.checks ?? []) {
      const all = c.passed + c.failed;
      rows.push([
        step.name,
        c.name,
        count(c.passed),
        count(c.failed),
        all > 0 ? `${((100 * c.failed) / all).toFixed(2)}%` : '-',
      ]);
      classes.push(c.failed > 0 ? 'fail' : 'pass');
    }
  }
  if (rows.length > 0) {
    tables.push({
      id: 'checks',
      title: 'Checks',
      head: ['step', 'check', 'passed', 'failed', 'failed share'],
      rows,
      rowClasses: classes,
      note: 'A capture is counted as the check "capture NAME": one that found nothing ended its iteration.',
    });
  }
  return tables;
}
