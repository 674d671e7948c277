import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTarget, type Target } from '@volley/target';
import { volley } from './bin.js';

describe('volley compare', () => {
  let target: Target;
  let dir: string;
  before(async () => {
    // 1 ms per answer, so sequential runs are clearly slower than concurrent ones whatever the machine.
    target = await startTarget({ port: 0, latencyMs: 1 });
    dir = await mkdtemp(join(tmpdir(), 'volley-compare-'));
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ranks the four strategies, fastest first, each with the same number of requests', async () => {
    const seen = target.stats();
    const out = await volley('compare', target.url, '-n', '300', '-c', '10', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    const { ranking } = JSON.parse(out.stdout);
    assert.equal(ranking.length, 4);
    assert.deepEqual(
      ranking.map((r: { client: string; concurrency: number }) => `${r.client}/${r.concurrency}`).sort(),
      ['per-request/1', 'per-request/10', 'pooled/1', 'pooled/10'],
    );
    for (const r of ranking) {
      assert.equal(r.requests, 300);
      assert.equal(r.latency.count, 300);
      assert.ok(r.rps > 0 && r.durationMs > 0);
    }
    const times = ranking.map((r: { durationMs: number }) => r.durationMs);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'fastest first',
    );
    // At 1 ms per answer, ten at a time beats one at a time, whichever client.
    assert.equal(ranking[3].concurrency, 1);
    assert.equal(target.stats().requests - seen.requests, 1200);
    assert.equal(
      target.stats().connections - seen.connections >= 600,
      true,
      'per-request runs opened a connection each',
    );
    assert.equal(out.stderr.trim().split('\n').length, 4, 'one line per finished run');
  });

  it('prints the ranking table with the speed-up over the slowest', async () => {
    const out = await volley('compare', target.url, '-n', '100', '-c', '5', '-q');
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.trimEnd().split('\n');
    assert.match(
      lines[0] ?? '',
      /#\s+client\s+mode\s+requests\s+time\s+req\/s\s+p50 ms\s+p99 ms\s+errors\s+vs slowest/,
    );
    assert.equal(lines.length, 5);
    assert.match(lines[4] ?? '', /^\s*4\s+.*\s1\.00x$/);
    assert.equal(out.stderr, '');
  });

  it('with files, refuses one that is not a result, and a lone file, with one line and exit 2', async () => {
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"hello": 1}');
    for (const [args, pattern] of [
      [[junk, junk], /is not a volley result/],
      [[join(dir, 'none.json'), junk], /cannot read .*none\.json: ENOENT/],
      [[junk], /give a URL to rank the strategies, or two result files/],
      [['http://127.0.0.1:9/', junk], /give a URL to rank the strategies, or two result files/],
    ] as Array<[string[], RegExp]>) {
      const out = await volley('compare', ...args);
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stderr.trim().split('\n').length, 1);
      assert.match(out.stderr, pattern);
    }
  });
});
