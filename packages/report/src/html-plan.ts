import { bytes, count, duration, rate } from './numbers.js';

/** The defaults a plan section always holds: shown only when the run asked for something else. */
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_INTERVAL_MS = 1_000;

type Row = [string, string];

const headersText = (headers: unknown): string =>
  Array.isArray(headers) ? (headers as Array<[string, string]>).map(([n, v]) => `${n}: ${v}`).join('\n') : '';

/**
 * The plan as a person would have written it, not as the result stores it: the load and its limit in the words
 * of the command line (`300 req/s for 6s`, `10 connections, 20,000 requests`), durations in units, headers one per
 * line, and nothing that was not asked for (no `rate 0` in the closed model, no `body null`, no defaults). Every
 * value is text for textContent; anything unknown to this version is still shown, as JSON.
 */
export function planRows(plan: Record<string, unknown>): Row[] {
  const rows: Row[] = [];
  const known = new Set<string>();
  const take = (key: string): unknown => {
    known.add(key);
    return plan[key];
  };
  const endpoints = take('endpoints');
  const flow = take('flow') as { steps?: Array<Record<string, unknown>>; pick?: string } | undefined;
  const url = String(take('url') ?? '');
  const method = String(take('method') ?? 'GET');
  if (Array.isArray(endpoints) && endpoints.length > 0) rows.push(['target', new URL(url).origin]);
  else if (flow?.steps) rows.push(['target', new URL(url).origin]);
  else rows.push(['request', `${method} ${url}`]);
  const model = take('model');
  const stages = (take('stages') ?? []) as Array<{ durationMs: number; target: number }>;
  const connections = Number(take('connections'));
  const ramp = stages.map((s) => `→ ${count(s.target)}${model === 'open' ? '/s' : ''} over ${duration(s.durationMs)}`);
  if (model === 'open') {
    rows.push(['rate', `${rate(Number(take('rate')))} req/s${ramp.length > 0 ? ` ${ramp.join(' ')}` : ''}`]);
    rows.push(['connections', `at most ${count(connections)}`]);
  } else {
    take('rate');
    rows.push(['connections', `${count(connections)}${ramp.length > 0 ? ` ${ramp.join(' ')}` : ''}`]);
  }
  const requests = Number(take('requests'));
  const durationMs = Number(take('durationMs'));
  if (stages.length === 0) {
    if (requests > 0) rows.push(['requests', count(requests)]);
    else if (durationMs > 0) rows.push(['duration', duration(durationMs)]);
  }
  rows.push(['client', String(take('client'))]);
  const pipelining = Number(take('pipelining'));
  const http2 = take('http2') === true;
  if (pipelining > 1) rows.push([http2 ? 'streams per connection' : 'pipelining', String(pipelining)]);
  if (http2) rows.push(['HTTP/2', 'offered']);
  if (take('insecure') === true) rows.push(['TLS', 'any certificate accepted (--insecure)']);
  const timeoutMs = Number(take('timeoutMs'));
  if (timeoutMs !== DEFAULT_TIMEOUT_MS) rows.push(['timeout', duration(timeoutMs)]);
  const intervalMs = Number(take('intervalMs'));
  if (intervalMs !== DEFAULT_INTERVAL_MS) rows.push(['interval', duration(intervalMs)]);
  const headers = headersText(take('headers'));
  if (headers) rows.push(['headers', headers]);
  const body = take('body');
  if (typeof body === 'string' && body.length > 0) rows.push(['body', body]);
  if (Array.isArray(endpoints)) {
    for (const e of endpoints as Array<Record<string, unknown>>) {
      const size = Number(e.bodyBytes) > 0 ? `, body ${bytes(Number(e.bodyBytes))}` : '';
      const extra = headersText(e.headers);
      rows.push([
        `request ${String(e.name)}`,
        `${String(e.method)} ${String(e.path)} (weight ${String(e.weight)}${size})${extra ? `\n${extra}` : ''}`,
      ]);
    }
  }
  for (const s of flow?.steps ?? []) {
    const checks = Array.isArray(s.checks) && s.checks.length > 0 ? `; checks ${s.checks.join(', ')}` : '';
    rows.push([`step ${String(s.name)}`, `${String(s.method)} ${String(s.url)}${checks}`]);
  }
  for (const [key, value] of Object.entries(plan)) {
    if (known.has(key) || value === null || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    rows.push([key, typeof value === 'string' ? value : (JSON.stringify(value) ?? '')]);
  }
  return rows;
}
