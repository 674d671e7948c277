import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeHistogram, type IntervalData, sumCounts } from '@volley/metrics';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { freePort, startTarget, type Target } from '@volley/target';
import { startRun } from '../src/index.js';

interface Totals {
  intervals: IntervalData[];
  byStatus: Record<string, number>;
  byError: Record<string, number>;
  total: number;
  latencies: number;
  bytesSent: number;
  bytesReceived: number;
}

async function run(input: PlanInput, abortAfterMs?: number) {
  const intervals: IntervalData[] = [];
  const handle = startRun(resolvePlan(input), (i) => intervals.push(i));
  if (abortAfterMs !== undefined) setTimeout(() => handle.abort(), abortAfterMs);
  const stats = await handle.done;
  const totals: Totals = {
    intervals,
    byStatus: {},
    byError: {},
    total: 0,
    latencies: 0,
    bytesSent: 0,
    bytesReceived: 0,
  };
  for (const i of intervals) {
    for (const [k, n] of Object.entries(i.byStatus)) totals.byStatus[k] = (totals.byStatus[k] ?? 0) + n;
    for (const [k, n] of Object.entries(i.byError)) totals.byError[k] = (totals.byError[k] ?? 0) + n;
    totals.total += sumCounts(i.byStatus) + sumCounts(i.byError);
    totals.latencies += decodeHistogram(i.histogram).totalCount;
    totals.bytesSent += i.bytesSent;
    totals.bytesReceived += i.bytesReceived;
  }
  return { stats, ...totals };
}

describe('closed model against a real loopback target', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ bodySize: 100 });
  });
  after(() => target.close());

  it('sends exactly the requested count, and the target counts the same', async () => {
    const before = target.stats();
    const r = await run({ url: target.url, requests: 3000, connections: 10 });
    const seen = target.stats().requests - before.requests;
    assert.equal(r.total, 3000);
    assert.equal(seen, 3000);
    assert.equal(r.stats.requests, 3000);
    assert.deepEqual(r.byStatus, { '200': 3000 });
    assert.equal(r.latencies, 3000, 'every response has a latency');
    assert.ok(r.bytesReceived >= 3000 * 100, `received ${r.bytesReceived} bytes`);
    assert.ok(r.bytesSent > 3000 * 20, `sent ${r.bytesSent} bytes`);
  });

  it('pooled opens at most one connection per loop', async () => {
    const before = target.stats().connections;
    await run({ url: target.url, requests: 2000, connections: 8, client: 'pooled' });
    const opened = target.stats().connections - before;
    assert.ok(opened >= 1 && opened <= 8, `opened ${opened} connections`);
  });

  it('per-request opens one connection for every request', async () => {
    const before = target.stats().connections;
    const r = await run({ url: target.url, requests: 400, connections: 4, client: 'per-request' });
    assert.equal(r.total, 400);
    assert.equal(target.stats().connections - before, 400);
    // Sockets are closed as soon as their response is read.
    const deadline = Date.now() + 2000;
    while (target.stats().open > 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    assert.equal(target.stats().open, 0);
  });

  it('counts responses by status code', async () => {
    const r = await run({ url: `${target.url}?status=503`, requests: 50, connections: 5 });
    assert.deepEqual(r.byStatus, { '503': 50 });
    assert.equal(r.total, 50);
  });

  it('counts connection resets as ECONNRESET', async () => {
    const r = await run({ url: `${target.url}?reset=1`, requests: 40, connections: 4 });
    assert.deepEqual(r.byError, { ECONNRESET: 40 });
    assert.equal(r.latencies, 0, 'errors carry no latency');
  });

  it('counts requests with no answer within the timeout as timeout', async () => {
    const r = await run({ url: `${target.url}?stall=1`, requests: 6, connections: 3, timeoutMs: 200 });
    assert.deepEqual(r.byError, { timeout: 6 });
  });

  it('counts a refused connection as ECONNREFUSED', async () => {
    const port = await freePort();
    const r = await run({ url: `http://127.0.0.1:${port}/`, requests: 30, connections: 3 });
    assert.deepEqual(r.byError, { ECONNREFUSED: 30 });
    assert.equal(r.bytesSent, 0, 'a refused request never reached a socket');
  });

  it('counts an unresolvable host as DNS', async () => {
    const r = await run({ url: 'http://volley-test.invalid/', requests: 3, connections: 1, timeoutMs: 3000 });
    assert.deepEqual(r.byError, { DNS: 3 });
  });

  it('counts a TLS handshake with a plain HTTP server as TLS', async () => {
    const r = await run({ url: target.url.replace('http:', 'https:'), requests: 3, connections: 1 });
    assert.deepEqual(r.byError, { TLS: 3 });
  });

  it('runs for the duration in aligned intervals, and every request lands in one', async () => {
    const before = target.stats().requests;
    const r = await run({ url: target.url, durationMs: 1200, intervalMs: 300, connections: 4 });
    const seen = target.stats().requests - before;
    assert.equal(r.total, seen, 'engine and target agree on the count');
    assert.equal(r.stats.requests, seen);
    assert.deepEqual(
      r.intervals.map((i) => [i.seq, i.startMs]),
      [
        [0, 0],
        [1, 300],
        [2, 600],
        [3, 900],
      ],
    );
    // How long after 1,200 ms the last request ends depends on the machine's load; the exact boundaries are in
    // closed-model.fake.test.ts. The deadline never comes early, though: a bound, not a tolerance.
    const last = r.intervals.at(-1);
    assert.ok(last && last.endMs >= 1200, `last interval ends at ${last?.endMs}`);
    assert.ok(r.stats.durationMs >= 1200, `took ${r.stats.durationMs} ms`);
  });

  it('abort ends requests in flight as aborted and still emits the last interval', async () => {
    const r = await run({ url: `${target.url}?stall=1`, durationMs: 60_000, connections: 5 }, 300);
    assert.equal(r.stats.aborted, true);
    assert.deepEqual(r.byError, { aborted: 5 });
    assert.equal(r.total, r.stats.requests);
    assert.ok(r.stats.durationMs < 5000);
  });

  it('sends the method, headers and body of the plan', async () => {
    const { createServer: createHttp } = await import('node:http');
    const seen: string[] = [];
    const server = createHttp((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${req.headers['x-volley']} ${body}`);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const r = await run({
        url: `http://127.0.0.1:${port}/p?q=1`,
        method: 'post',
        headers: [['x-volley', 'yes']],
        body: Buffer.from('{"a":1}'),
        requests: 3,
        connections: 1,
      });
      assert.equal(r.total, 3);
      assert.deepEqual(seen, Array(3).fill('POST /p?q=1 yes {"a":1}'));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
