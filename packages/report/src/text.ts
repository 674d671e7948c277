import type { Result } from '@volley/metrics';
import { describeFlow, flowLines } from './flow-text.js';
import { HEALTH_HEAD, healthRows, saturationWarnings } from './health.js';
import { bytes, count, duration, millis, rate } from './numbers.js';
import type { ReportFormat } from './report-format.js';
import { table } from './table.js';

/** What an error kind means, for the few that need saying. */
export const ERROR_HINTS: Record<string, string> = {
  ECONNREFUSED: 'nothing listening at the target',
  ECONNRESET: 'connection closed by the other side',
  timeout: 'no complete response within --timeout',
  EADDRNOTAVAIL:
    'out of local ports: every closed socket holds its port in TIME_WAIT for about 60 s. ' +
    'Use --client pooled, a lower rate, more agent machines, or widen net.ipv4.ip_local_port_range',
  DNS: 'host name did not resolve',
  TLS: 'TLS handshake or certificate failed',
  aborted: 'in flight when the run was stopped',
  EMFILE: 'too many open files in one volley process: raise the limit with ulimit -n, or use fewer connections',
  ENFILE: 'the system ran out of open files (fs.file-max); ulimit -n cannot help, fewer connections can',
};

/** An error kind as people read it: `other:UND_ERR_INVALID_ARG` (its form on the wire) is `other (UND_ERR_INVALID_ARG)`. */
export function errorKindLabel(kind: string): string {
  return kind.startsWith('other:') ? `other (${kind.slice(6)})` : kind;
}

const sorted = (counts: Record<string, number>): Array<[string, number]> =>
  Object.entries(counts).sort((a, b) => b[1] - a[1]);

/** The end-of-run summary: counts, statuses, errors, throughput, latency table, agents. */
export function renderText(result: Result): string {
  const { plan, requests, latency } = result;
  const out: string[] = [];
  const limit =
    Number(plan.requests) > 0 ? `${count(Number(plan.requests))} requests` : duration(Number(plan.durationMs));
  const open = plan.model === 'open';
  const load = open
    ? `open model ${describeRate(plan, result.throughput.target)}, at most ${String(plan.connections)} connections`
    : Array.isArray(plan.stages) && plan.stages.length > 0
      ? `connections ramping ${describeStages(plan.stages, '')}`
      : `${String(plan.connections)} connections`;
  out.push(
    `volley ${result.tool.version}  ${describeRequest(plan)}  ` +
      `${load}, ${String(plan.client)}${protocolNote(plan)}, ${limit}`,
  );
  if (result.aborted) out.push('  run stopped early: figures cover what was measured until then');
  const failure = nothingSucceeded(result);
  if (failure !== undefined) out.push(`  ${failure}`);
  for (const warning of saturationWarnings(result)) out.push(`  WARNING: ${warning}`);
  out.push('');
  const failedStatus = requests.total - requests.ok - requests.errors;
  const rows: string[][] = [
    // ok (status < 400) + failed status + errors (no response) = total: every request in exactly one.
    [
      'requests',
      `${count(requests.total)} total`,
      `${count(requests.ok)} ok`,
      ...(failedStatus > 0 ? [`${count(failedStatus)} status >= 400`] : []),
      `${count(requests.errors)} errors`,
    ],
    [
      'throughput',
      `${rate(result.throughput.achieved)} req/s`,
      `over ${duration(result.durationMs)}`,
      ...(open && result.throughput.target !== null
        ? [
            `asked ${rate(result.throughput.target)} req/s${perIteration(plan, result.throughput.target)}`,
            `${count(result.throughput.late)} sent late`,
            ...(result.throughput.dropped ? [`${count(result.throughput.dropped)} never sent`] : []),
          ]
        : []),
    ],
    ['data', `${bytes(result.bytes.sent)} sent`, `${bytes(result.bytes.received)} received`, ''],
  ];
  out.push(table(rows));
  const statuses = sorted(requests.byStatus);
  if (statuses.length > 0) {
    out.push('', '  statuses');
    out.push(
      table(
        statuses.map(([s, n]) => [s, count(n), `${((100 * n) / requests.total).toFixed(1)}%`]),
        '    ',
      ),
    );
  }
  const errors = sorted(requests.byError);
  if (errors.length > 0) {
    out.push('', '  errors');
    out.push(
      table(
        errors.map(([kind, n]) => [errorKindLabel(kind), count(n), ERROR_HINTS[kind] ?? '']),
        '    ',
      ),
    );
  }
  if (latency.count === 0) {
    out.push('', '  latency: no responses, nothing to measure');
  } else if (result.serviceTime) {
    // wrk2's rule: show both, so a stall that held requests back is not hidden by the service time.
    out.push('', `  latency from the intended send time (ms, ${count(latency.count)} responses; corrected for stalls)`);
    out.push(latencyTable(latency));
    out.push('', '  service time, from the actual send (ms)');
    out.push(latencyTable(result.serviceTime));
  } else {
    out.push('', `  latency (ms, ${count(latency.count)} responses)`);
    out.push(latencyTable(latency));
  }
  const endpoints = result.iterations ? [] : (result.endpoints ?? []);
  out.push(...flowLines(result));
  if (endpoints.length > 0) {
    const weights = endpoints.reduce((sum, e) => sum + e.weight, 0);
    out.push('', '  requests by name (latency in ms)');
    out.push(
      table(
        [
          ['name', 'weight', 'asked', 'got', 'requests', 'errors', '>= 400', 'p50', 'p99', 'max'],
          ...endpoints.map((e) => [
            e.name,
            String(e.weight),
            percent(e.weight, weights),
            percent(e.requests.total, requests.total),
            count(e.requests.total),
            count(e.requests.errors),
            count(e.requests.total - e.requests.ok - e.requests.errors),
            millis(e.latency.p50),
            millis(e.latency.p99),
            millis(e.latency.max),
          ]),
        ],
        '    ',
      ),
    );
  }
  if (result.agents.length > 1 || result.agents.some((a) => a.lost)) {
    out.push('', '  agents');
    out.push(
      table(
        [
          ['name', 'host', 'requests', 'errors', 'p50', 'p99', ''],
          ...result.agents.map((a) => [
            a.name,
            a.host,
            count(a.requests),
            count(a.errors),
            millis(a.latency.p50),
            millis(a.latency.p99),
            a.lost ? 'LOST' : '',
          ]),
        ],
        '    ',
      ),
    );
  }
  const health = healthRows(result);
  if (health.length > 0) {
    out.push('', '  generator health (the busiest engine thread per agent)');
    out.push(table([HEALTH_HEAD, ...health], '    '));
  }
  if (result.thresholds.length > 0) {
    const failed = result.thresholds.filter((t) => !t.pass).length;
    out.push('', `  thresholds: ${failed === 0 ? 'all passed' : `${failed} of ${result.thresholds.length} FAILED`}`);
    out.push(
      table(
        result.thresholds.map((t) => [
          t.pass ? 'pass' : 'FAIL',
          t.expr,
          t.reason ?? `actual ${formatActual(t.expr, t.actual)}`,
        ]),
        '    ',
      ),
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * One line when not one request succeeded (every one refused, reset, or answered >= 400), naming the commonest
 * cause, so that a run of failures is not read from its throughput; undefined when any succeeded, or none were sent.
 */
export function nothingSucceeded(result: Result): string | undefined {
  const { requests } = result;
  if (requests.total === 0 || requests.ok > 0) return undefined;
  const failed = Object.entries(requests.byStatus).filter(([status]) => Number(status) >= 400);
  const [cause, n] = sorted({ ...requests.byError, ...Object.fromEntries(failed) })[0] ?? ['', 0];
  const hint = ERROR_HINTS[cause] ? `: ${ERROR_HINTS[cause]}` : '';
  const what = /^\d+$/.test(cause) ? `status ${cause}` : errorKindLabel(cause);
  return `NO REQUEST SUCCEEDED: all ${count(requests.total)} failed, ${count(n)} with ${what}${hint}`;
}

/** ` (50.0 iterations/s)` for a flow, whose rate is of iterations: each sends every step (one when weighted). */
function perIteration(plan: Record<string, unknown>, target: number): string {
  const flow = plan.flow as { pick?: string; steps?: unknown[] } | undefined;
  if (!flow) return '';
  const steps = flow.pick === 'sequence' ? Math.max(1, flow.steps?.length ?? 1) : 1;
  return ` (${rate(target / steps)} iterations/s)`;
}

/** A threshold's actual figure in its own unit. */
export function formatActual(expr: string, actual: number): string {
  if (/^error_rate/i.test(expr)) return String(actual);
  if (/^rps/i.test(expr)) return `${rate(actual)} req/s`;
  return `${millis(actual)} ms`;
}

/** `GET http://host/path`, or `scenario: 3 requests on http://host/` */
function describeRequest(plan: Record<string, unknown>): string {
  const flow = describeFlow(plan);
  if (flow) return flow;
  if (Array.isArray(plan.endpoints) && plan.endpoints.length > 0) {
    return `scenario: ${plan.endpoints.length} requests on ${new URL(String(plan.url)).origin}`;
  }
  return `${String(plan.method ?? 'GET')} ${String(plan.url)}`;
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}

/** "500 req/s", or "0 → 500/s over 30s → 500/s over 1m (avg 400 req/s)" for stages. */
function describeRate(plan: Record<string, unknown>, average: number | null): string {
  const stages = plan.stages;
  const unit = plan.flow ? 'iterations/s' : 'req/s';
  if (!Array.isArray(stages) || stages.length === 0) return `${rate(Number(plan.rate))} ${unit}`;
  const avg = average === null ? '' : ` (avg ${rate(average)} req/s)`;
  return `${rate(Number(plan.rate))}/s ${describeStages(stages, '/s')}${avg}`;
}

function describeStages(stages: unknown[], unit: string): string {
  return (stages as Array<{ durationMs: number; target: number }>)
    .map((s) => `-> ${s.target}${unit} over ${duration(s.durationMs)}`)
    .join(' ');
}

/** min/mean/stdev/max, then the percentiles, in milliseconds. */
function latencyTable(latency: Result['latency']): string {
  return table(
    [
      ['', 'min', 'mean', 'stdev', 'max'],
      ['', millis(latency.min), millis(latency.mean), millis(latency.stdev), millis(latency.max)],
      ['', 'p50', 'p75', 'p90', 'p99', 'p99.9', 'p99.99'],
      ['', ...[latency.p50, latency.p75, latency.p90, latency.p99, latency.p99_9, latency.p99_99].map(millis)],
    ],
    '  ',
  );
}

/** Pipelining and HTTP/2, when asked for (plans from older result files have neither). */
function protocolNote(plan: Record<string, unknown>): string {
  let note = '';
  if (Number(plan.pipelining) > 1)
    note += `, ${String(plan.pipelining)} ${plan.http2 ? 'streams' : 'pipelined'} per connection`;
  if (plan.http2 === true) note += ', HTTP/2 offered';
  return note;
}

/** `--format text`, in FORMATS. */
export const textFormat = {
  name: 'text',
  summary: 'the end-of-run table: requests, statuses, errors, throughput, latency percentiles',
  render: renderText,
} satisfies ReportFormat;
