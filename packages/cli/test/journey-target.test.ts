import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, freePort, volley } from './bin.js';

// The README's journey, as written there, against `volley target --journeys` with the README's users.csv: what a
// reader would type to try it.
describe('the README journey against volley target --journeys', () => {
  it('logs in both users once, browses and orders, and passes its thresholds', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'volley-journey-target-'));
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Journeys'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const csv = /```csv\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    await writeFile(join(dir, 'users.csv'), csv);
    await writeFile(join(dir, 'shop.yaml'), yaml);
    const port = await freePort();
    const target = spawn(process.execPath, [
      BIN,
      'target',
      '--journeys',
      '--users',
      join(dir, 'users.csv'),
      '-p',
      String(port),
    ]);
    let out = '';
    target.stdout.on('data', (c) => {
      out += c;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        target.once('exit', (code) => reject(new Error(`target exited ${code}`)));
        target.stdout.on('data', () => out.includes('listening') && resolve());
      });
      process.env.API_KEY = 'k-readme';
      const run = await volley(
        'run',
        `http://127.0.0.1:${port}`,
        '--scenario',
        join(dir, 'shop.yaml'),
        '--format',
        'json',
      );
      assert.equal(run.code, 0, run.stderr);
      const result = JSON.parse(run.stdout);
      // Two unique users: two iterations, then the run ends, long before the file's minute.
      assert.deepEqual([result.iterations.count, result.iterations.started], [2, 2]);
      assert.ok(result.durationMs < 30_000);
      assert.deepEqual(
        result.thresholds.map((t: { pass: boolean }) => t.pass),
        [true, true],
      );
      for (const step of result.endpoints) {
        for (const c of step.checks) assert.equal(c.failed, 0, `${step.name}: ${c.name}`);
      }
    } finally {
      const exited = new Promise((resolve) => target.once('exit', resolve));
      target.kill('SIGINT');
      await exited;
      await rm(dir, { recursive: true, force: true });
    }
    assert.match(out, /served 2 logins, 2 orders, 0 refused/);
  });

  it('refuses a users file without the columns it needs, in one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'volley-journey-target-'));
    await writeFile(join(dir, 'u.csv'), 'user,pass\na,b\n');
    const out = await volley('target', '--journeys', '--users', join(dir, 'u.csv'), '-p', '0');
    await rm(dir, { recursive: true, force: true });
    assert.equal(out.code, 2);
    assert.match(out.stderr.trim(), /^volley: .*u\.csv: needs a name and a password column$/);
  });
});
