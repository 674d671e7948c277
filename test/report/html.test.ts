import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Result } from '@volley/metrics';
import { count, millis, renderHtml } from '@volley/report';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { type Browser, chromium, type Page } from 'playwright-core';
import { stopAll, volley } from '../e2e/volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

// Debian's package, installed by .ci/install-chromium (CI runs it); CHROMIUM points elsewhere if need be.
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const HOSTILE = '</script><img src=x onerror=alert(1)>';
const ci = !['', '0', 'false'].includes(process.env.CI ?? '');
const missing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM}: run .ci/install-chromium as root (apt-get install chromium), or set CHROMIUM`;

// In CI a missing browser is a failure, not a quiet skip: the page would go untested.
if (missing && ci) it('needs Chromium to test the HTML report', () => assert.fail(missing));

/** What a page did while it loaded and drew itself. */
interface Visit {
  page: Page;
  url: string;
  /** Every request the page made, its own file included. */
  requests: string[];
  /** Console errors, uncaught exceptions, dialogs (an injected alert() would show here). */
  problems: string[];
}

/** For each chart: its canvas's width and how many pixels are painted (not transparent, not white). */
const CANVASES = `[...document.querySelectorAll('[data-chart]')].map((figure) => {
  const canvas = figure.querySelector('canvas');
  if (!canvas) return { id: figure.dataset.chart, width: 0, painted: 0, amber: 0 };
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  let amber = 0;
  for (let i = 0; i < pixels.length; i += 4) {
    const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
    if (a > 0 && (r < 245 || g < 245 || b < 245)) painted++;
    // The second series' colour (#d97706): the service-time curve of an open-model run.
    if (a > 200 && Math.abs(r - 217) < 12 && Math.abs(g - 119) < 12 && b < 40) amber++;
  }
  return { id: figure.dataset.chart, width: canvas.width, painted, amber };
})`;

/** The text as laid out, table cells apart (textContent would run them together). */
function renderedText(page: Page, selector: string): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: Playwright's locator method, not the DOM property.
  return page.locator(selector).innerText();
}

describe('the HTML report of a real run, in headless Chromium', { skip: missing }, () => {
  let target: TargetProcess;
  let browser: Browser;
  let dir: string;
  let closed: Result;
  let open: Result;
  before(async () => {
    [target, browser, dir] = await Promise.all([
      startTargetProcess({}),
      chromium.launch({ executablePath: CHROMIUM }),
      mkdtemp(join(tmpdir(), 'volley-html-')),
      mkdir(ARTIFACTS, { recursive: true }),
    ]);
    // Both runs at once, to keep the test short; their figures only need to be real, not undisturbed.
    [closed, open] = await Promise.all([run('closed', '-d', '3s', '-c', '4'), run('open', '-R', '500', '-d', '2s')]);
  });
  after(async () => {
    await Promise.allSettled([browser?.close(), target?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the real CLI and reads the result file it wrote. */
  async function run(name: string, ...args: string[]): Promise<Result> {
    const file = join(dir, `${name}.json`);
    const out = await volley('run', target.url, ...args, '-o', file);
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(await readFile(file, 'utf8')) as Result;
  }

  /** Opens the rendered page from a file; any request other than the page's own is recorded and aborted. */
  async function openPage(name: string, result: Result): Promise<Visit> {
    const file = join(dir, `${name}.html`);
    await writeFile(file, renderHtml(result));
    const url = pathToFileURL(file).href;
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const visit: Visit = { page, url, requests: [], problems: [] };
    page.on('request', (r) => visit.requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') visit.problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => visit.problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      visit.problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    await page.goto(url, { waitUntil: 'load' });
    // Two animation frames: uPlot draws on the next frame after it is created.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
    return visit;
  }

  /** The checks every page passes: clean console, no network, three drawn charts, the key figures. */
  async function assertDrawn(visit: Visit, result: Result): Promise<void> {
    const { page } = visit;
    assert.deepEqual(visit.problems, []);
    assert.deepEqual(visit.requests, [visit.url], 'no request but the page itself');
    const canvases = (await page.evaluate(CANVASES)) as Array<{ id: string; width: number; painted: number }>;
    assert.deepEqual(
      canvases.map((c) => c.id),
      ['throughput', 'latency-over-time', 'distribution'],
    );
    for (const c of canvases) {
      assert.ok(c.width > 0, `${c.id}: a canvas with a width`);
      assert.ok(c.painted > 500, `${c.id}: lines drawn (${c.painted} painted pixels)`);
    }
    const figure = (id: string) => page.locator(`[data-figure="${id}"] .value`).textContent();
    assert.equal(await figure('requests'), count(result.requests.total));
    assert.equal(await figure('p99'), `${millis(result.latency.p99)} ms`);
    const text = await renderedText(page, 'body');
    assert.ok(text.includes(result.plan.url as string), 'the URL');
    assert.match(text, new RegExp(`status\\s+200\\s+${count(result.requests.byStatus['200'] ?? -1)}`));
  }

  it('draws a closed-model run offline: three charts, the key figures, not one request', async () => {
    const visit = await openPage('closed', closed);
    await assertDrawn(visit, closed);
    await visit.page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
    await visit.page.close();
  });

  it('draws corrected latency and service time for an open-model run', async () => {
    assert.ok(open.serviceTime, 'an open-model result has service times');
    const visit = await openPage('open', open);
    await assertDrawn(visit, open);
    const legend = await renderedText(visit.page, '[data-chart="distribution"] .u-legend');
    assert.match(legend, /latency \(corrected\)[\s\S]*service time/);
    const [, , distribution] = (await visit.page.evaluate(CANVASES)) as Array<{ amber: number }>;
    assert.ok((distribution?.amber ?? 0) > 50, 'the service-time curve is drawn');
    await visit.page.screenshot({ path: join(ARTIFACTS, 'report-open.png'), fullPage: true });
    // The README's picture; refreshed on demand only, so a test run leaves the tree clean.
    if (process.env.VOLLEY_DOCS_SCREENSHOT) {
      await visit.page.screenshot({ path: join(ROOT, 'docs', 'report.png'), fullPage: true });
    }
    await visit.page.close();
  });

  it('shows a hostile URL, header and agent name as text: no element made, nothing run', async () => {
    const result = structuredClone(closed);
    result.plan.url = `http://127.0.0.1/${HOSTILE}`;
    result.plan.headers = [['x-evil', HOSTILE]];
    for (const agent of result.agents) agent.name = HOSTILE;
    const visit = await openPage('hostile', result);
    assert.deepEqual(visit.problems, [], 'no alert, no error');
    assert.deepEqual(visit.requests, [visit.url], 'no image fetched');
    assert.equal(await visit.page.locator('img').count(), 0);
    assert.equal(await visit.page.locator('script').count(), 3, "only the page's own scripts");
    assert.equal(await visit.page.title(), `Volley: GET http://127.0.0.1/${HOSTILE}`);
    const text = await renderedText(visit.page, 'body');
    // An agent the loaded test machine saturated is also named in the bottleneck warning under the title.
    const warned = result.agents.filter((a) => a.health?.saturated).length;
    assert.equal(
      text.split(HOSTILE).length - 1,
      6 + warned,
      'as text: heading, target, agent, its health row, plan url, plan headers (and a bottleneck warning)',
    );
    await visit.page.close();
  });
});
