import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { freePort, sleep, start, stopAll } from './volley.js';

afterEach(stopAll);

// Debian's package, installed by .ci/install-prometheus; absent on a machine that did not run it.
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';
const missing = !existsSync(PROMETHEUS) || !existsSync(PROMTOOL);
const SKIP = missing ? 'prometheus is not installed here (.ci/install-prometheus installs it in CI)' : false;

/** The latency buckets volley serves, in microseconds (see packages/cli/src/run-metrics.ts). */
const BOUNDS_US = [100, 250, 500, 1e3, 2.5e3, 5e3, 1e4, 2.5e4, 5e4, 1e5, 2.5e5, 5e5, 1e6, 2.5e6, 5e6, 1e7, 3e7, 6e7];

describe('a real Prometheus scrapes a run every second', { skip: SKIP }, () => {
  let target: TargetProcess;
  let dir: string;
  let prometheus: ChildProcess | undefined;
  let api = '';
  let metricsPort = 0;

  before(async () => {
    target = await startTargetProcess({});
    dir = await mkdtemp(join(tmpdir(), 'volley-prometheus-'));
    metricsPort = await freePort();
    const webPort = await freePort();
    const config = join(dir, 'prometheus.yml');
    await writeFile(
      config,
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 900ms',
        'scrape_configs:',
        '  - job_name: volley',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${metricsPort}']`,
        '',
      ].join('\n'),
    );
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${config}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${webPort}`,
      ],
      { stdio: 'ignore' },
    );
    api = `http://127.0.0.1:${webPort}`;
    for (let i = 0; i < 150; i++) {
      const ready = await fetch(`${api}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await sleep(100);
    }
    throw new Error('prometheus did not become ready within 15 s');
  });

  after(async () => {
    prometheus?.kill('SIGKILL');
    await target?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** One instant query through Prometheus's HTTP API; the single value it returns. */
  async function query(expr: string): Promise<number> {
    const res = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; data: { result: Array<{ value: [number, string] }> } };
    assert.equal(body.status, 'success', JSON.stringify(body));
    assert.equal(body.data.result.length, 1, `${expr}: ${JSON.stringify(body.data.result)}`);
    return Number(body.data.result[0]?.value[1]);
  }

  it('its last volley_requests_total equals the result, its p99 lies in the bucket of the result’s', async () => {
    const output = join(dir, 'result.json');
    const run = start(
      [
        'run',
        target.url,
        '-R',
        '500',
        '-d',
        '4s',
        '-q',
        '--metrics-port',
        String(metricsPort),
        '--metrics-linger',
        '4s',
        '-o',
        output,
      ],
      { timeoutMs: 60_000 },
    );
    // While it lingers, the page it serves passes promtool's own check.
    while (!existsSync(output) && run.child.exitCode === null) await sleep(100);
    const page = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
    const check = spawnSync(PROMTOOL, ['check', 'metrics'], { input: page, encoding: 'utf8' });
    assert.equal(check.status, 0, `promtool check metrics:\n${check.stdout}${check.stderr}`);
    const exit = await run.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const result = JSON.parse(await readFile(output, 'utf8'));
    assert.ok(result.requests.total > 1000);

    // The series went stale when the endpoint closed: the last value each had is what counts.
    const scraped = await query('sum(last_over_time(volley_requests_total[5m]))');
    assert.equal(scraped, result.requests.total, 'every request, the last interval included');

    const p99 = await query(
      'histogram_quantile(0.99, sum by (le) (last_over_time(volley_request_duration_seconds_bucket[5m])))',
    );
    const p99Us = Math.round(result.latency.p99 * 1000);
    const upper = BOUNDS_US.findIndex((b) => p99Us <= b);
    assert.ok(upper >= 0, `p99 ${result.latency.p99} ms is within the buckets`);
    const lowS = (upper === 0 ? 0 : (BOUNDS_US[upper - 1] as number)) / 1e6;
    const highS = (BOUNDS_US[upper] as number) / 1e6;
    assert.ok(
      p99 >= lowS && p99 <= highS,
      `Prometheus's p99 ${p99} s lies in (${lowS}, ${highS}], the bucket of the result's ${result.latency.p99} ms`,
    );
  });
});
