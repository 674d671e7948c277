import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Recorder, RunAggregate } from '@volley/metrics';
import { askedAt } from '../src/html-charts.js';
import { planRows } from '../src/html-plan.js';
import { type HtmlView, htmlView } from '../src/index.js';
import { resultOf } from './result-of.js';

/** A scenario result through a real aggregate: two named requests, one with 5xx. */
function scenario() {
  const agg = new RunAggregate();
  agg.join({ id: 'a', name: 'local', host: 'h' });
  const rec = new Recorder(['home', 'search']);
  for (let i = 0; i < 300; i++) rec.recordResponse(200, 1000 + i, 10, 10, 0);
  for (let i = 0; i < 100; i++) rec.recordResponse(i < 10 ? 503 : 200, 5000 + i * 10, 10, 10, 1);
  agg.add('a', rec.snapshot(0, 0, 1000));
  const merged = agg.merge();
  const endpoints = [
    { name: 'home', method: 'GET', path: '/', headers: [], bodyBytes: 0, weight: 3 },
    { name: 'search', method: 'GET', path: '/search?q=x', headers: [['x-k', 'v']], bodyBytes: 12, weight: 1 },
  ];
  return resultOf(
    () => {},
    { endpoints, url: 'http://shop.test:8080/' },
    {
      requests: merged.requests,
      latency: merged.latency,
      endpoints: merged.endpoints.map((e) => ({ ...e, weight: e.name === 'home' ? 3 : 1 })),
    },
  );
}

describe('the HTML report, finished', () => {
  it('titles a scenario run by its scenario, with a section per named request', () => {
    const view: HtmlView = htmlView(scenario());
    assert.equal(view.title, 'Volley: scenario home, search on http://shop.test:8080');
    assert.deepEqual(
      view.requests.map((r) => r.name),
      ['home', 'search'],
    );
    const search = view.requests[1];
    assert.deepEqual(search?.table.head.slice(0, 5), ['requests', 'share', 'asked', 'errors', '≥ 400']);
    assert.deepEqual(search?.table.rows[0]?.slice(0, 5), ['100', '25.0%', '25.0%', '0', '10']);
    assert.equal(search?.chart.x, 'percentile');
    assert.ok((search?.chart.data[0]?.length ?? 0) > 0, 'a latency curve of its own');
  });

  it('shows failed thresholds red with their unit, under a pass/fail banner', () => {
    const result = resultOf(
      (r) => r.recordResponse(200, 1500, 1, 1),
      {},
      {
        thresholds: [
          { expr: 'p99<1ms', actual: 1.5, pass: false },
          { expr: 'error_rate<0.01', actual: 0, pass: true },
          { expr: 'rps>10', actual: 1, pass: false },
        ],
      },
    );
    const view = htmlView(result);
    assert.deepEqual(view.verdict, { pass: false, text: '2 of 3 thresholds FAILED' });
    const table = view.tables.find((t) => t.id === 'thresholds');
    assert.deepEqual(table?.rows, [
      ['p99<1ms', '1.50 ms', 'FAIL'],
      ['error_rate<0.01', '0', 'pass'],
      ['rps>10', '1.0 req/s', 'FAIL'],
    ]);
    assert.deepEqual(table?.rowClasses, ['fail', 'pass', 'fail']);
    const passed = htmlView({ ...result, thresholds: [{ expr: 'p99<1s', actual: 1.5, pass: true }] });
    assert.deepEqual(passed.verdict, { pass: true, text: 'All 1 thresholds passed' });
    assert.equal(htmlView({ ...result, thresholds: [] }).verdict, undefined);
  });

  it('shows the plan as a person wrote it: no rate 0, no body null, no defaults', () => {
    const closed = planRows({
      url: 'http://h/x',
      method: 'GET',
      headers: [['authorization', '***']],
      body: null,
      connections: 10,
      durationMs: 30_000,
      requests: 0,
      client: 'pooled',
      timeoutMs: 10_000,
      intervalMs: 1000,
      model: 'closed',
      rate: 0,
      stages: [],
      pipelining: 1,
      http2: false,
      insecure: false,
    });
    assert.deepEqual(closed, [
      ['request', 'GET http://h/x'],
      ['connections', '10'],
      ['duration', '30s'],
      ['client', 'pooled'],
      ['headers', 'authorization: ***'],
    ]);
    const open = planRows({
      ...{ url: 'http://h/', method: 'POST', headers: [], body: '{"a":1}', connections: 100, durationMs: 0 },
      ...{ requests: 0, client: 'per-request', timeoutMs: 2000, intervalMs: 1000, model: 'open', rate: 0 },
      ...{ stages: [{ durationMs: 30_000, target: 500 }], pipelining: 1, http2: true, insecure: false },
    });
    assert.deepEqual(open, [
      ['request', 'POST http://h/'],
      ['rate', '0.0 req/s → 500/s over 30s'],
      ['connections', 'at most 100'],
      ['client', 'per-request'],
      ['HTTP/2', 'offered'],
      ['timeout', '2s'],
      ['body', '{"a":1}'],
    ]);
    const rows = planRows(scenario().plan);
    assert.deepEqual(rows[0], ['target', 'http://shop.test:8080']);
    assert.deepEqual(rows.at(-1), ['request search', 'GET /search?q=x (weight 1, body 12 B)\nx-k: v']);
  });

  it('draws latency over time on a log scale, and the asked rate on the throughput chart, ramps included', () => {
    const view = htmlView(resultOf((r) => r.recordResponse(200, 1500, 1, 1), { model: 'open', rate: 100 }));
    assert.equal(view.charts.find((c) => c.id === 'latency-over-time')?.yLog, true);
    const throughput = view.charts.find((c) => c.id === 'throughput');
    assert.deepEqual(
      throughput?.series.map((s) => s.label),
      ['requests/s', 'errors/s', 'asked/s'],
    );
    assert.deepEqual(throughput?.data[3], [100]);
    const ramp = [
      { durationMs: 10_000, target: 100 },
      { durationMs: 10_000, target: 100 },
    ];
    assert.deepEqual(
      [0, 5000, 10_000, 15_000, 25_000].map((ms) => askedAt(0, ramp, ms)),
      [0, 50, 100, 100, 100],
    );
  });
});
