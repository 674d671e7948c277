import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FORMAT_NAMES } from '@volley/report';
import { volley } from './bin.js';

describe('--format: the report registry on run and controller', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'volley-format-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('run --format csv prints the header and a row per interval; -o still writes the JSON result', async () => {
    const file = join(dir, 'r.json');
    const out = await volley('run', '--demo', '-d', '1s', '-q', '--format', 'csv', '-o', file);
    assert.equal(out.code, 0, out.stderr);
    const [header, ...rows] = out.stdout.trimEnd().split('\n');
    assert.equal(header, 't,requests,errors,rps,p50,p90,p99,max');
    assert.ok(rows.length >= 1, out.stdout);
    for (const row of rows) {
      const cells = row.split(',').map(Number);
      assert.equal(cells.length, 8, row);
      assert.ok(cells.every(Number.isFinite), row);
    }
    const doc = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(doc.schema, 1);
    assert.equal(doc.intervals.length, rows.length, 'the same run, one row per interval');
  });

  it('offers every registered format on run, controller and report', async () => {
    for (const command of ['run', 'controller', 'report']) {
      const out = await volley(command, '--help');
      assert.equal(out.code, 0, out.stderr);
      for (const name of FORMAT_NAMES) assert.match(out.stdout, new RegExp(`\\n\\s+${name}: `), `${command} ${name}`);
    }
  });

  it('controller refuses an unknown format with one line and exit 2, before it listens', async () => {
    const out = await volley('controller', 'http://127.0.0.1:9/', '--format', 'pdf', '--listen', '127.0.0.1:0');
    assert.equal(out.code, 2, out.stderr);
    assert.equal(out.stdout, '');
    assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
    assert.match(out.stderr, /^volley: Expected --format=pdf to be one of: text, json, csv/);
  });
});
