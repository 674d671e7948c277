import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTarget, type Target } from '@volley/target';
import { BIN, freePort, volley } from './bin.js';

/** `name{labels} value` lines of a Prometheus text page. */
function sample(page: string, name: string): number | undefined {
  const line = page.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

describe('--metrics-port: Prometheus metrics while the run goes', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(() => target.close());

  it('serves live counters and latency gauges that a scrape can read mid-run', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [
      BIN,
      'run',
      target.url,
      '-d',
      '4s',
      '-c',
      '2',
      '-q',
      '--metrics-port',
      String(port),
      '--format',
      'json',
    ]);
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    let page = '';
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      const res = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
      if (!res) continue;
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
      page = await res.text();
      if ((sample(page, 'volley_requests_total') ?? 0) > 0) break;
    }
    const scraped = sample(page, 'volley_requests_total') ?? 0;
    assert.ok(scraped > 0, `a scrape saw requests before the end:\n${page}`);
    assert.ok((sample(page, 'volley_requests_per_second') ?? 0) > 0);
    assert.ok((sample(page, 'volley_latency_milliseconds{quantile="0.99"}') ?? 0) > 0);
    assert.equal(sample(page, 'volley_agents'), 1);
    assert.match(page, /# TYPE volley_requests_total counter/);
    assert.equal(await exited, 0);
    const result = JSON.parse(stdout);
    assert.ok(result.requests.total >= scraped, 'the counter never runs ahead of the result');
    // The endpoint is gone with the run: nothing is left listening.
    assert.equal(await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => 'closed'), 'closed');
  });

  it('refuses a malformed address, and a port in use, with one line and exit 2', async () => {
    const bad = await volley('run', target.url, '-n', '10', '--metrics-port', 'nine');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim(), /^volley: --metrics-port must be PORT or HOST:PORT, got "nine"$/);
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
