import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, type Exit, volley } from './bin.js';

function assertRefused(out: Exit, pattern: RegExp): void {
  assert.equal(out.code, 2, `exit code (stderr: ${out.stderr})`);
  const lines = out.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${out.stderr}`);
  assert.match(lines[0] ?? '', pattern);
  assert.doesNotMatch(out.stderr, /\n\s+at /, 'no stack trace');
}

describe('input that cannot be run is refused before the first request', () => {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    res.end('ok');
  });
  let url: string;
  let dir: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    dir = await mkdtemp(join(tmpdir(), 'volley-limits-'));
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  const outputs: Array<[string, string, RegExp]> = [
    ['a directory', tmpdir(), /cannot write .*: it is a directory/],
    ['a device (/dev/full)', '/dev/full', /cannot write \/dev\/full: not a regular file/],
  ];
  for (const [what, output, pattern] of outputs) {
    it(`refuses -o naming ${what}, sending nothing and writing nothing`, async () => {
      const before = requests;
      assertRefused(await volley('run', url, '-n', '10', '-o', output), pattern);
      assert.equal(requests, before);
    });
  }

  it('writes -o whole, through a temporary file that does not stay behind', async () => {
    const out = await volley('run', url, '-n', '10', '-c', '1', '-o', join(dir, 'r.json'));
    assert.equal(out.code, 0, out.stderr);
    assert.equal(JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')).requests.total, 10);
    assert.deepEqual(
      (await readdir(dir)).filter((f) => f.includes('r.json')),
      ['r.json'],
    );
  });

  const headers: Array<[string, string]> = [
    ['a CR/LF', 'X-A: one\r\nX-Injected: two'],
    ['a control character', 'X-A: a\u0001b'],
    ['a character beyond Latin-1', 'X-A: snow \u2603'],
  ];
  for (const [what, header] of headers) {
    it(`refuses a -H value with ${what}`, async () => {
      assertRefused(await volley('run', url, '-n', '10', '-H', header), /header X-A: the value holds U\+/);
    });
  }

  it('refuses a scenario header value with a line feed, naming where', async () => {
    const scenario = await file('lf.yaml', 'requests:\n  - name: a\n    headers:\n      X-A: "one\\ntwo"\n');
    assertRefused(
      await volley('run', url, '--scenario', scenario),
      /lf\.yaml:4:12: requests\[0\]\.headers\.X-A: must be printable/,
    );
  });

  it('refuses a YAML alias bomb in one line', async () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 9; i++) {
      const [prev, name] = [String.fromCharCode(96 + i), String.fromCharCode(97 + i)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(', ')}]`);
    }
    const scenario = await file('bomb.yaml', `${levels.join('\n')}\nrequests: [{ name: x }]\n`);
    assertRefused(await volley('run', url, '--scenario', scenario), /bomb\.yaml: Excessive alias count/);
  });

  it('refuses a bodyFile that is not a regular file, such as /dev/zero', async () => {
    const scenario = await file('zero.yaml', 'requests:\n  - name: a\n    bodyFile: /dev/zero\n');
    assertRefused(
      await volley('run', url, '--scenario', scenario),
      /bodyFile: cannot read \/dev\/zero: not a regular file/,
    );
  });

  it('refuses a bodyFile over 64 MiB', async () => {
    const big = join(dir, 'big.bin');
    await writeFile(big, '');
    await truncate(big, 64 * 1024 * 1024 + 1);
    const scenario = await file('big.yaml', `requests:\n  - name: a\n    bodyFile: ${big}\n`);
    assertRefused(await volley('run', url, '--scenario', scenario), /over the limit of 64 MiB/);
  });

  it('refuses a scenario of more than 10,000 requests', async () => {
    const lines = Array.from({ length: 10_001 }, (_, i) => `  - name: r${i}`);
    const scenario = await file('many.yaml', `requests:\n${lines.join('\n')}\n`);
    assertRefused(await volley('run', url, '--scenario', scenario), /requests: at most 10000 entries/);
  });

  it('refuses crafted result files in one line', async () => {
    const good = join(dir, 'good.json');
    assert.equal((await volley('run', url, '-n', '5', '-c', '1', '-o', good)).code, 0);
    const doc = JSON.parse(await readFile(good, 'utf8'));
    const crafted: Array<[string, (d: typeof doc) => void, RegExp]> = [
      ['a missing latency', (d) => delete d.latency, /latency must be an object/],
      ['a string count', (d) => (d.requests.total = 'many'), /requests\.total must be a number/],
      ['a broken histogram', (d) => (d.intervals[0].histogram = 'HISTFAAAA'), /histogram is not an HdrHistogram/],
      ['a plan without a URL', (d) => (d.plan.url = 'nowhere'), /plan\.url must be a URL/],
    ];
    for (const [what, craft, pattern] of crafted) {
      const copy = structuredClone(doc);
      craft(copy);
      const path = await file(`${what.replaceAll(' ', '-')}.json`, JSON.stringify(copy));
      for (const command of [
        ['report', path, '--format', 'html'],
        ['diff', good, path],
      ]) {
        assertRefused(await volley(...command), pattern);
      }
    }
    assertRefused(await volley('report', '/dev/zero'), /not a regular file/);
  });

  it('refuses -c beyond the open-files limit, saying to raise ulimit -n', {
    skip: process.platform !== 'linux',
  }, async () => {
    const before = requests;
    const out = await new Promise<Exit>((resolve) => {
      const script = `ulimit -n 64 && exec "${process.execPath}" "${BIN}" run ${url} -c 200 -d 1s`;
      execFile('sh', ['-c', script], { timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      });
    });
    assertRefused(
      out,
      /-c 200 needs about \d+ open files per process, over the limit of 64: raise it with ulimit -n \d+/,
    );
    assert.equal(requests, before);
  });
});
