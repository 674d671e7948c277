import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Result } from '@volley/metrics';
import { count, htmlView, millis } from '@volley/report';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { type Browser, chromium, type Page } from 'playwright-core';
import { freePort, start, stopAll, waitForLine } from '../e2e/volley.js';

afterEach(stopAll);

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const ci = !['', '0', 'false'].includes(process.env.CI ?? '');
const missing = existsSync(CHROMIUM)
  ? undefined
  : `no Chromium at ${CHROMIUM}: run .ci/install-chromium as root (apt-get install chromium), or set CHROMIUM`;

if (missing && ci) it('needs Chromium to test the live dashboard', () => assert.fail(missing));

/**
 * Polls `check` from here (the page's policy forbids the eval behind Playwright's waitForFunction of a string).
 */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The view block of a report page, as its script reads it. */
function viewOf(html: string): unknown {
  const match = /<script type="application\/json" id="volley-view">(.*?)<\/script>/s.exec(html);
  assert.ok(match, 'a report page carries its view');
  return JSON.parse(match[1] as string);
}

describe('the live dashboard of a run with two agent processes, in headless Chromium', { skip: missing }, () => {
  let target: TargetProcess;
  let browser: Browser;
  let dir: string;
  before(async () => {
    [target, browser, dir] = await Promise.all([
      startTargetProcess({}),
      chromium.launch({ executablePath: CHROMIUM }),
      mkdtemp(join(tmpdir(), 'volley-dashboard-')),
      mkdir(ARTIFACTS, { recursive: true }),
    ]);
  });
  after(async () => {
    await Promise.allSettled([browser?.close(), target?.close()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** `volley run --agents 2 --dashboard` (each agent a process of its own), and the page open on it. */
  async function runWithPage(name: string, args: string[]) {
    const port = await freePort();
    const output = join(dir, `${name}.json`);
    const proc = start(
      ['run', target.url, '--agents', '2', '-c', '4', '--dashboard', String(port), '-o', output, ...args],
      { timeoutMs: 90_000 },
    );
    await waitForLine(proc, /live dashboard at http:\/\/127\.0\.0\.1:\d+\//);
    const url = `http://127.0.0.1:${port}/`;
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
    const requests: string[] = [];
    const problems: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(url, { waitUntil: 'load' });
    return { proc, page, output, url, requests, problems };
  }

  const figure = (page: Page, id: string) => page.locator(`[data-figure="${id}"] .value`).first().textContent();
  /** The requests card shows more than 0. */
  const requestsShown = async (page: Page) => Number((await figure(page, 'requests'))?.replace(/,/g, '')) > 0;

  it('follows the run: both agents join, figures change, and the final report equals the result file', async () => {
    const { proc, page, output, url, requests, problems } = await runWithPage('live', [
      '-R',
      '300',
      '-d',
      '6s',
      '--threshold',
      'p99<2s',
    ]);
    const agents = page.locator('[data-table="agents"] tbody tr[data-row]');
    await until(async () => (await agents.count()) === 2, 'both agents in the table');
    const names = await Promise.all([0, 1].map((i) => agents.nth(i).getAttribute('data-row')));
    assert.deepEqual(names.sort(), ['local-1', 'local-2'], 'both agents joined');
    await until(async () => requestsShown(page), 'requests on the page');
    const first = await figure(page, 'requests');
    await until(async () => (await figure(page, 'requests')) !== first, 'the requests figure to change');
    const second = await figure(page, 'requests');
    assert.notEqual(second, first, 'the figures change as the run goes');
    const verdict = page.locator('[data-table="thresholds"] tr[data-row="p99<2s"] td.pass');
    assert.equal(await verdict.textContent(), 'pass', 'the threshold judged live');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-live.png'), fullPage: true });
    if (process.env.VOLLEY_DOCS_SCREENSHOT) {
      await page.screenshot({ path: join(ROOT, 'docs', 'dashboard.png'), fullPage: true });
    }

    await page.waitForSelector('[data-status="done"]', { timeout: 30_000 });
    const exit = await proc.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const result = JSON.parse(await readFile(output, 'utf8')) as Result;
    assert.equal(result.agents.length, 2);
    assert.equal(await figure(page, 'requests'), count(result.requests.total));
    assert.equal(await figure(page, 'p99'), `${millis(result.latency.p99)} ms`);
    assert.equal(await figure(page, 'max'), `${millis(result.latency.max)} ms`);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="download"]')]);
    const html = await readFile((await download.path()) as string, 'utf8');
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    assert.deepEqual(viewOf(html), JSON.parse(JSON.stringify(htmlView(result))), 'the same report as the file');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-final.png'), fullPage: true });

    assert.deepEqual(problems, []);
    const origin = new URL(url).origin;
    assert.deepEqual(
      requests.filter((r) => !r.startsWith(`${origin}/`) && !r.startsWith('blob:')),
      [],
      'no request outside the controller',
    );
    await page.close();
  });

  it('the Stop button aborts the run, and its report is still written', async () => {
    const { proc, page, output } = await runWithPage('stopped', ['-R', '100', '-d', '60s']);
    await until(async () => requestsShown(page), 'requests on the page');
    await page.click('[data-action="stop"]');
    const exit = await Promise.race([
      proc.exited,
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 20_000)),
    ]);
    assert.ok(exit, 'the run ended within 20 s of the Stop');
    assert.equal(exit.code, 1, 'a stopped run exits 1');
    const result = JSON.parse(await readFile(output, 'utf8')) as Result;
    assert.equal(result.aborted, true);
    assert.ok(result.requests.total > 0);
    await page.waitForSelector('[data-status="done"]', { timeout: 10_000 });
    assert.equal(await figure(page, 'requests'), count(result.requests.total));
    await page.close();
  });
});
