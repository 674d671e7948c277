import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTarget, type Target } from '@volley/target';
import { volley } from './bin.js';

describe('volley diff (and compare A B, its alias)', () => {
  let target: Target;
  let dir: string;
  let a: string;
  let b: string;
  before(async () => {
    // 1 ms per answer: eight connections get several times the throughput of one, far beyond any noise.
    target = await startTarget({ port: 0, latencyMs: 1 });
    dir = await mkdtemp(join(tmpdir(), 'volley-diff-'));
    a = join(dir, 'a.json');
    b = join(dir, 'b.json');
    assert.equal((await volley('run', target.url, '-d', '4s', '-c', '1', '-q', '-o', a)).code, 0);
    assert.equal((await volley('run', target.url, '-d', '4s', '-c', '8', '-q', '-o', b)).code, 0);
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('diffs two saved results: change in percent and a verdict against the noise', async () => {
    const out = await volley('diff', a, b, '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.equal(doc.before, a);
    assert.equal(doc.after, b);
    const rps = doc.diff.find((d: { metric: string }) => d.metric === 'req/s');
    assert.ok(rps.after > rps.before * 3, JSON.stringify(rps));
    assert.equal(rps.beyondNoise, true);
    assert.ok(rps.changePct > 200);
    const text = await volley('diff', a, b);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /req\/s\s+[\d,.]+\s+[\d,.]+\s+\+[\d.]+%\s+better/);
  });

  it('--fail-on-regression exits 1 when a figure is WORSE, 0 when none is; different plans are warned of', async () => {
    const worse = await volley('diff', b, a, '--fail-on-regression');
    assert.equal(worse.code, 1, worse.stderr);
    assert.match(worse.stdout, /req\/s.*WORSE/, 'the table is printed first');
    assert.match(worse.stderr, /^volley: warning: the two runs had different plans \(connections 8 vs 1\)\n/);
    assert.match(worse.stderr, /\nvolley: regression: req\/s(, [^\n]+)? WORSE beyond the noise\n$/);
    const alias = await volley('compare', b, a, '--fail-on-regression', '--format', 'json');
    assert.equal(alias.code, 1, alias.stderr);
    assert.equal((await volley('diff', b, a)).code, 0, 'without the flag a regression is only shown');
    const same = await volley('diff', a, a, '--fail-on-regression');
    assert.equal(same.code, 0, same.stderr);
    assert.equal(same.stderr, '', 'the same plan: no warning');
  });

  it('compare A B prints what diff A B prints, table and JSON, and -o writes the JSON form', async () => {
    for (const format of ['text', 'json']) {
      const diff = await volley('diff', a, b, '--format', format);
      const compare = await volley('compare', a, b, '--format', format);
      assert.equal(compare.code, 0, compare.stderr);
      assert.equal(compare.stdout, diff.stdout, format);
    }
    const file = join(dir, 'diff.json');
    const out = await volley('diff', a, b, '-o', file);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /within noise|better|WORSE/, 'the table on stdout');
    assert.equal(JSON.parse(await readFile(file, 'utf8')).diff.length, 7, 'the JSON form in the file');
  });

  it('refuses a file that is not a result, a missing file and a lone file, with one line and exit 2', async () => {
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"hello": 1}');
    for (const [args, pattern] of [
      [[junk, a], /junk\.json is not a volley result/],
      [[a, join(dir, 'none.json')], /cannot read .*none\.json: ENOENT/],
      [[a], /give two result files/],
      [[], /give two result files/],
      [[a, b, '-o', join(dir, 'no', 'such', 'dir.json')], /cannot write/],
    ] as Array<[string[], RegExp]>) {
      const out = await volley('diff', ...args);
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stdout, '');
      assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
      assert.match(out.stderr, pattern);
    }
  });
});
