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

/** The ranking as `compare --format json` prints and `-o` saves it: `{ "ranking": [...] }`. */
export function renderRankingJson(ranking: RankedRun[]): string {
  return `${JSON.stringify({ ranking }, null, 2)}\n`;
}
