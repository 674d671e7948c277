import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTotalHistogram } from '@volley/metrics';
import { distribution } from '../src/distribution.js';
import type { HtmlView } from '../src/html-view.js';
import { renderHtml } from '../src/index.js';
import { resultOf } from './result-of.js';

/** Equal to HdrHistogram's precision: three significant digits. */
function near(actual: number | null | undefined, expected: number, what: string): void {
  assert.ok(typeof actual === 'number' && Math.abs(actual - expected) <= expected * 1e-3, `${what}: ${actual}`);
}

const HOSTILE = '</script><img src=x onerror=alert(1)>';

/** The view the page's script draws, read back from its JSON block the way the page reads it. */
function viewOf(html: string): HtmlView {
  const match = /<script type="application\/json" id="volley-view">(.*?)<\/script>/s.exec(html);
  assert.ok(match, 'the page carries its data in a JSON script block');
  return JSON.parse(match[1] as string) as HtmlView;
}

describe('renderHtml', () => {
  it('writes a hostile URL and header only as escaped JSON, never as markup', () => {
    const html = renderHtml(
      resultOf((r) => r.recordResponse(200, 1000, 1, 1), {
        url: `http://example.test/${HOSTILE}`,
        headers: [['x-evil', HOSTILE]],
      }),
    );
    assert.ok(!html.includes(HOSTILE), 'the string does not appear as written');
    assert.doesNotMatch(html, /<img/i);
    assert.equal(html.match(/<script/gi)?.length, 3, 'the JSON block, uPlot and the page script; nothing else');
    assert.equal(html.match(/<\/script/gi)?.length, 3);
    const view = viewOf(html);
    assert.equal(view.title, `Volley: GET http://example.test/${HOSTILE}`, 'JSON.parse gives the text back whole');
    assert.ok(view.tables.find((t) => t.id === 'plan')?.rows.some((row) => row[1]?.includes(HOSTILE)));
  });

  it('is self-contained: a policy that forbids every fetch, uPlot inline', () => {
    const html = renderHtml(resultOf((r) => r.recordResponse(200, 1000, 1, 1)));
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/);
    assert.doesNotMatch(html, /<link|<script[^>]+src=|@import|url\(http/i);
    assert.match(html, /var uPlot=/);
  });

  it('shows the key figures, statuses and errors of the result', () => {
    const result = resultOf((r) => {
      for (let i = 1; i <= 1000; i++) r.recordResponse(i % 10 === 0 ? 503 : 200, i * 10, 50, 100);
      r.recordError('ECONNRESET', 50);
    });
    const view = viewOf(renderHtml(result));
    const figure = (id: string) => view.figures.find((f) => f.id === id);
    assert.equal(figure('requests')?.value, '1,001');
    assert.equal(figure('requests')?.detail, '900 ok');
    // The errors card counts the 503s beside the reset, and tells them apart.
    assert.equal(figure('errors')?.value, '101');
    assert.equal(figure('errors')?.detail, '100 status ≥ 400, 1 no response');
    assert.equal(figure('p99')?.value, '9.90 ms');
    const outcomes = view.tables.find((t) => t.id === 'outcomes')?.rows;
    assert.deepEqual(outcomes, [
      ['status', '200', '900', '89.9%', ''],
      ['status', '503', '100', '10.0%', 'not ok'],
      ['error', 'ECONNRESET', '1', '0.1%', 'connection closed by the other side'],
    ]);
    assert.deepEqual(
      view.charts.map((c) => c.id),
      ['throughput', 'latency-over-time', 'distribution'],
    );
    assert.deepEqual(
      view.charts.find((c) => c.id === 'distribution')?.series.map((s) => s.label),
      ['latency'],
    );
  });

  it('renders a run without a single response: no curve, a note instead', () => {
    const view = viewOf(renderHtml(resultOf((r) => r.recordError('ECONNREFUSED', 0))));
    const chart = view.charts.find((c) => c.id === 'distribution');
    assert.deepEqual(chart?.data, [[], []]);
    assert.equal(chart?.note, 'No response, no latency.');
    assert.deepEqual(view.tables.find((t) => t.id === 'outcomes')?.rows, [
      ['error', 'ECONNREFUSED', '1', '100.0%', 'nothing listening at the target'],
    ]);
  });

  it('draws corrected latency and service time side by side for an open-model run', () => {
    const result = resultOf(
      (r) => {
        for (let i = 1; i <= 100; i++) r.recordScheduledResponse(200, i * 1000, 1000, 1, 1);
      },
      { model: 'open', rate: 1000 },
    );
    const view = viewOf(renderHtml(result));
    const chart = view.charts.find((c) => c.id === 'distribution');
    assert.deepEqual(
      chart?.series.map((s) => s.label),
      ['latency (corrected)', 'service time'],
    );
    const [x, corrected, service] = chart?.data.map((column) => column.at(-1)) ?? [];
    assert.equal(x, 100, 'the last point is the count');
    near(corrected, 100, 'the corrected maximum');
    near(service, 1, 'the service maximum');
    assert.equal(view.figures.find((f) => f.id === 'p99')?.label, 'p99 (corrected)');
    assert.equal(view.charts.find((c) => c.id === 'throughput')?.series.at(-1)?.label, 'asked/s');
  });
});

describe('distribution', () => {
  it('places percentiles at 1/(1-p): 10 is p90, 100 is p99, the count is the maximum', () => {
    const h = createTotalHistogram();
    for (let ms = 1; ms <= 1000; ms++) h.recordValue(ms * 1000);
    const { x, series } = distribution([{ label: 'latency', histogram: h }]);
    const at = (xi: number) => series[0]?.ms[x.findIndex((v) => Math.abs(v - xi) < 1e-9)];
    near(at(1), 1, 'p0, the minimum');
    near(at(10), 900, 'p90');
    near(at(100), 990, 'p99');
    assert.equal(x.at(-1), 1000);
    near(at(1000), 1000, 'the maximum');
  });

  it('shares one x grid and leaves a smaller series empty beyond its count', () => {
    const big = createTotalHistogram();
    const small = createTotalHistogram();
    for (let i = 1; i <= 10_000; i++) big.recordValue(i);
    for (let i = 1; i <= 10; i++) small.recordValue(i);
    const { x, series } = distribution([
      { label: 'big', histogram: big },
      { label: 'small', histogram: small },
    ]);
    assert.ok(x.includes(10) && x.includes(10_000));
    const small10 = x.indexOf(10);
    near(series[1]?.ms[small10], 0.01, 'the small series ends at its maximum');
    assert.equal(series[1]?.ms[small10 + 1], null);
    near(series[0]?.ms.at(-1), 10, 'the big maximum');
  });
});
