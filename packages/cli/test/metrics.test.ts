import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { ControllerEvent } from '@volley/controller';
import { bucketsOf, createIntervalHistogram, encodeHistogramBase64 } from '@volley/metrics';
import { resolvePlan } from '@volley/plan';
import { startTarget, type Target } from '@volley/target';
import { RunMetrics } from '../src/run-metrics.js';
import { BIN, freePort, volley } from './bin.js';

/** The value of the line `series value` of a Prometheus text page (series with its labels, as written). */
function sample(page: string, series: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const scrape = (url: string) => fetch(url).then(async (res) => ({ status: res.status, page: await res.text() }));

const noChecks = { checksPassed: 0, checksFailed: 0 };

/** An interval event of a scenario run with two named requests, 5xx and an error among them. */
function scenarioEvent(): ControllerEvent {
  const histogram = (values: number[]) => {
    const h = createIntervalHistogram();
    for (const v of values) h.recordValue(v);
    return encodeHistogramBase64(h);
  };
  /** A class's latencies as the merged interval's detail has them: counts per bucket, their sum in seconds. */
  const latencies = (statusClass: string, values: number[]) => {
    const h = createIntervalHistogram();
    for (const v of values) h.recordValue(v);
    const { counts, sumUs } = bucketsOf(h);
    return { statusClass, counts, sumSeconds: sumUs / 1e6 };
  };
  const interval = { t: 0, durationMs: 1000, requests: 6, errors: 1, rps: 6, p50: 1, p90: 1, p99: 1, max: 1 };
  return {
    type: 'interval',
    interval: { ...interval, histogram: histogram([50, 300, 2000, 70_000, 700]) },
    total: { requests: 6, errors: 1, elapsedMs: 1000 },
    agents: 2,
    detail: {
      byStatus: { '200': 3, '503': 2 },
      byError: { ECONNRESET: 1 },
      classes: [latencies('2xx', [50, 300, 2000]), latencies('5xx', [70_000, 700])],
      dropped: 0,
      endpoints: [
        {
          name: 'home',
          histogram: histogram([50, 300, 2000]),
          byStatus: { '200': 3 },
          byError: {},
          classes: [latencies('2xx', [50, 300, 2000])],
          ...noChecks,
        },
        {
          name: 'search',
          histogram: histogram([70_000, 700]),
          byStatus: { '200': 1, '503': 1 },
          byError: { ECONNRESET: 1 },
          classes: [latencies('2xx', [700]), latencies('5xx', [70_000])],
          ...noChecks,
        },
      ],
    },
    health: [
      {
        name: 'a1',
        host: 'h',
        state: 'ready',
        lost: false,
        requests: 4,
        errors: 1,
        p99Ms: 70,
        health: { lagP99Ms: 12, lagMaxMs: 20, cpu: 0.5, processCpu: 0.6, threads: 1, cpuSource: 'loop' },
      },
      { name: 'a2', host: 'h', state: 'joined', lost: false, requests: 2, errors: 0, p99Ms: 1, health: undefined },
    ],
  };
}

describe('RunMetrics: what the Prometheus page holds', () => {
  it('a histogram in seconds per named request, counters by status class, status, error kind and failure', async () => {
    const metrics = new RunMetrics(await import('prom-client'), resolvePlan({ url: 'http://h/', rate: 50 }));
    metrics.listener(scenarioEvent());
    const page = await metrics.registry.metrics();
    const hist = 'volley_request_duration_seconds';
    const home = 'request="home",status_class="2xx"';
    assert.equal(sample(page, `${hist}_bucket{${home},le="0.0001"}`), 1);
    assert.equal(sample(page, `${hist}_bucket{${home},le="0.0025"}`), 3);
    // A request with a 200 and a 503 has a series per status class.
    const ok = 'request="search",status_class="2xx"';
    const bad = 'request="search",status_class="5xx"';
    assert.equal(sample(page, `${hist}_bucket{${ok},le="0.001"}`), 1);
    assert.equal(sample(page, `${hist}_bucket{${bad},le="0.05"}`), 0);
    assert.equal(sample(page, `${hist}_bucket{${bad},le="0.1"}`), 1);
    assert.equal(sample(page, `${hist}_bucket{${bad},le="+Inf"}`), 1);
    assert.equal(sample(page, `${hist}_count{${bad}}`), 1);
    assert.equal(sample(page, `${hist}_count{${ok}}`), 1);
    assert.ok(Math.abs((sample(page, `${hist}_sum{${bad}}`) ?? 0) - 0.07) < 0.0001);
    assert.equal(sample(page, 'volley_requests_total{request="home",status_class="2xx"}'), 3);
    assert.equal(sample(page, 'volley_requests_total{request="search",status_class="2xx"}'), 1);
    assert.equal(sample(page, 'volley_requests_total{request="search",status_class="5xx"}'), 1);
    assert.equal(sample(page, 'volley_requests_total{request="search",status_class="none"}'), 1);
    assert.equal(sample(page, 'volley_responses_total{request="search",status="503"}'), 1);
    assert.equal(sample(page, 'volley_request_errors_total{request="search",kind="ECONNRESET"}'), 1);
    // 5xx are failures beside the requests that had no response.
    assert.equal(sample(page, 'volley_requests_failed_total{request="search"}'), 2);
    assert.equal(sample(page, 'volley_requests_failed_total{request="home"}'), 0);
    assert.equal(sample(page, 'volley_asked_requests_per_second'), 50);
    assert.equal(sample(page, 'volley_agents'), 2);
    assert.equal(sample(page, 'volley_agent_cpu_ratio{agent="a1"}'), 0.5);
    assert.equal(sample(page, 'volley_agent_event_loop_lag_seconds{agent="a1"}'), 0.012);
    assert.doesNotMatch(page, /agent="a2"/, 'no health figure for an agent that reported none');
    assert.doesNotMatch(page, /quantile=|milliseconds/, 'no unmergeable quantile gauges');
  });

  it('a closed-model run has no asked rate', async () => {
    const metrics = new RunMetrics(await import('prom-client'), resolvePlan({ url: 'http://h/' }));
    assert.doesNotMatch(await metrics.registry.metrics(), /volley_asked_requests_per_second/);
  });
});

describe('--metrics-port: Prometheus metrics while the run goes, and a while after', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(() => target.close());

  it('serves live figures mid-run, then the final ones for --metrics-linger, query string or not', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const args = ['run', target.url, '-d', '3s', '-c', '2', '-q', '--metrics-port', String(port)];
    const child = spawn(process.execPath, [BIN, ...args, '--metrics-linger', '3s', '--format', 'json']);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    const total = (page: string) => sample(page, 'volley_requests_total{request="default",status_class="2xx"}') ?? 0;
    let live = 0;
    for (let i = 0; i < 40 && live === 0; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const res = await scrape(`${url}?x=1`).catch(() => undefined);
      if (res) {
        assert.equal(res.status, 200);
        live = total(res.page);
      }
    }
    assert.ok(live > 0, 'a scrape saw requests before the end');
    // The report comes out before the endpoint goes: the result is there while it still serves.
    while (!stdout.includes('"requests"') && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const result = JSON.parse(stdout);
    const last = await scrape(url);
    assert.equal(total(last.page), result.requests.total, 'the final counter equals the result');
    assert.equal(
      sample(last.page, 'volley_request_duration_seconds_count{request="default",status_class="2xx"}'),
      result.latency.count,
    );
    assert.equal((await scrape(`http://127.0.0.1:${port}/other`)).status, 404);
    assert.equal(await exited, 0, stderr);
    assert.match(stderr, /metrics stay at http:\/\/127\.0\.0\.1:\d+\/metrics for 3s/);
    assert.equal(await fetch(url).catch(() => 'closed'), 'closed', 'gone after the linger');
  });

  it('splits latency by status class across real agent processes and threads, as the statuses are', async () => {
    // Every fourth response is a slow 503, the others fast 200s: the two classes must not share buckets.
    let n = 0;
    const server = createHttpServer((_req, res) => {
      if (++n % 4 === 0) setTimeout(() => res.writeHead(503).end('no'), 30);
      else res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
    const port = await freePort();
    try {
      const args = ['run', url, '-n', '400', '-c', '4', '--agents', '2', '--workers', '2', '-q', '--format', 'json'];
      const child = spawn(process.execPath, [BIN, ...args, '--metrics-port', String(port), '--metrics-linger', '2s']);
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      while (!stdout.trimEnd().endsWith('}') && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      const result = JSON.parse(stdout);
      const { page } = await scrape(`http://127.0.0.1:${port}/metrics`);
      const hist = 'volley_request_duration_seconds';
      const series = (cls: string, rest = '') => sample(page, `${hist}${rest}{request="default",status_class="${cls}"`);
      const count = (cls: string) => sample(page, `${hist}_count{request="default",status_class="${cls}"}`);
      const bucket = (cls: string, le: string) =>
        sample(page, `${hist}_bucket{request="default",status_class="${cls}",le="${le}"}`);
      assert.equal(series('2xx'), undefined);
      assert.ok(result.requests.byStatus['503'] > 0 && result.requests.byStatus['200'] > 0, stdout);
      assert.equal(count('5xx'), result.requests.byStatus['503']);
      assert.equal(count('2xx'), result.requests.byStatus['200']);
      assert.equal(bucket('5xx', '0.025'), 0, 'no 503 was faster than its 30 ms delay');
      assert.equal(bucket('5xx', '+Inf'), result.requests.byStatus['503']);
      assert.ok((bucket('2xx', '0.025') ?? 0) > 0, 'the 200s are fast');
      child.kill('SIGINT');
      await exited;
    } finally {
      server.close();
    }
  });

  it('--metrics-linger 0 closes with the run', async () => {
    const port = await freePort();
    const out = await volley(
      'run',
      target.url,
      '-n',
      '50',
      '-q',
      '--metrics-port',
      String(port),
      '--metrics-linger',
      '0',
    );
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stderr, /metrics stay/);
    assert.equal(await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => 'closed'), 'closed');
  });

  it('refuses a malformed address or linger, and a port in use, with one line and exit 2', async () => {
    const bad = await volley('run', target.url, '-n', '10', '--metrics-port', 'nine');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim(), /^volley: --metrics-port must be PORT or HOST:PORT, got "nine"$/);
    const linger = await volley('run', target.url, '-n', '10', '--metrics-port', '0', '--metrics-linger', 'soon');
    assert.equal(linger.code, 2);
    assert.match(linger.stderr.trim(), /^volley: --metrics-linger must be a duration such as 15s or 0, got "soon"$/);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as { port: number };
    try {
      const before = target.stats().requests;
      const out = await volley('run', target.url, '-n', '10', '--metrics-port', String(port));
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr.trim(), /^volley: cannot serve metrics on \d+: EADDRINUSE$/);
      assert.equal(target.stats().requests - before, 0, 'nothing was sent');
    } finally {
      busy.close();
    }
  });
});
