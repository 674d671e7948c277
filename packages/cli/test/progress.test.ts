import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { IntervalSummary } from '@volley/metrics';
import { startTarget, type Target } from '@volley/target';
import { Progress } from '../src/progress.js';
import { volley } from './bin.js';

describe('live progress', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(() => target.close());

  it('prints one line per interval on stderr when not on a terminal; stdout keeps only the report', async () => {
    const out = await volley('run', target.url, '-d', '3s', '-c', '2', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    JSON.parse(out.stdout);
    const lines = out.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3, out.stderr);
    lines.forEach((line, i) => {
      assert.match(
        line,
        new RegExp(`^${i + 1}s/3s  [\\d,]+ req/s \\(avg [\\d,]+\\)  p50 [\\d.]+  p99 [\\d.]+ ms  errors 0  agents 1$`),
      );
    });
  });

  it('prints nothing with --quiet', async () => {
    const out = await volley('run', target.url, '-d', '2s', '-c', '2', '--quiet');
    assert.equal(out.code, 0);
    assert.equal(out.stderr, '');
    assert.match(out.stdout, /requests/);
  });

  it('redraws one line in place on a terminal, and clears it before the report', () => {
    const written: string[] = [];
    const progress = new Progress(
      { isTTY: true, write: (s: string) => written.push(s) },
      { durationMs: 2000, requests: 0 },
    );
    const interval: IntervalSummary = {
      t: 0,
      durationMs: 1000,
      requests: 10,
      errors: 0,
      rps: 10,
      p50: 1,
      p90: 1,
      p99: 2,
      max: 3,
      histogram: '',
    };
    const total = { requests: 10, errors: 0, elapsedMs: 1000 };
    progress.listener({ type: 'interval', interval, total, agents: 1 });
    progress.listener({
      type: 'interval',
      interval: { ...interval, t: 1 },
      total: { ...total, elapsedMs: 2000 },
      agents: 1,
    });
    progress.line('volley: agent a LOST: gone');
    progress.clear();
    assert.ok(written[0]?.startsWith('\r\x1b[2K1s/2s  10 req/s'), JSON.stringify(written[0]));
    assert.ok(written[1]?.startsWith('\r\x1b[2K2s/2s'), JSON.stringify(written[1]));
    assert.ok(!written.slice(0, 2).some((w) => w.includes('\n')), 'no newline while redrawing');
    assert.deepEqual(written.slice(2), ['\r\x1b[2K', 'volley: agent a LOST: gone\n'], 'a line of its own clears first');
  });
});
