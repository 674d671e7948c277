import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTarget, type Target } from '@volley/target';
import { HistogramLogReader } from 'hdr-histogram-js';
import { volley } from './bin.js';

describe('volley report, from a real run', () => {
  let target: Target;
  let dir: string;
  let file: string;
  let runText: string;
  let result: {
    latency: { count: number; p99: number };
    intervals: Array<{ requests: number }>;
    requests: { total: number };
  };
  before(async () => {
    target = await startTarget({ port: 0, latencyMs: 0 });
    dir = await mkdtemp(join(tmpdir(), 'volley-report-'));
    file = join(dir, 'result.json');
    const out = await volley('run', target.url, '-d', '3s', '-c', '4', '-q', '-o', file);
    assert.equal(out.code, 0, out.stderr);
    runText = out.stdout;
    result = JSON.parse(await readFile(file, 'utf8'));
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('text: the same table as the end of the run', async () => {
    const out = await volley('report', file);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, runText);
  });

  it('csv: a header, then one row of numbers per interval', async () => {
    const out = await volley('report', file, '--format', 'csv');
    const [header, ...rows] = out.stdout.trimEnd().split('\n');
    assert.equal(header, 't,requests,errors,rps,p50,p90,p99,max');
    assert.equal(rows.length, result.intervals.length);
    let sum = 0;
    for (const row of rows) {
      const cells = row.split(',').map(Number);
      assert.equal(cells.length, 8);
      assert.ok(cells.every(Number.isFinite), row);
      sum += cells[1] as number;
    }
    assert.equal(sum, result.requests.total);
  });

  it('hgrm: monotonic columns, the last TotalCount is every response, the footer is there', async () => {
    const out = await volley('report', file, '--format', 'hgrm', '-o', join(dir, 'r.hgrm'));
    assert.equal(out.code, 0, out.stderr);
    const text = await readFile(join(dir, 'r.hgrm'), 'utf8');
    const lines = text.split('\n');
    assert.match(lines[0] ?? '', /^\s+Value\s+Percentile\s+TotalCount\s+1\/\(1-Percentile\)$/);
    const rows = lines.filter((l) => /^\s+\d/.test(l)).map((l) => l.trim().split(/\s+/).map(Number));
    assert.ok(rows.length > 20, `${rows.length} rows`);
    for (let i = 1; i < rows.length; i++) {
      assert.ok((rows[i]?.[0] as number) >= (rows[i - 1]?.[0] as number), 'Value never decreases');
      assert.ok((rows[i]?.[1] as number) >= (rows[i - 1]?.[1] as number), 'Percentile never decreases');
    }
    assert.equal(rows.at(-1)?.[2], result.latency.count);
    assert.equal(rows.at(-1)?.[1], 1);
    assert.match(text, /#\[Mean\s+=\s+[\d.]+, StdDeviation\s+=\s+[\d.]+\]/);
    assert.match(text, new RegExp(`#\\[Max\\s+=\\s+[\\d.]+, Total count\\s+=\\s+${result.latency.count}\\]`));
  });

  it('hlog: read back by HistogramLogReader, one histogram per interval, every response counted', async () => {
    const out = await volley('report', file, '--format', 'hlog');
    assert.equal(out.code, 0, out.stderr);
    const reader = new HistogramLogReader(out.stdout);
    let histograms = 0;
    let count = 0;
    for (let h = reader.nextIntervalHistogram(); h; h = reader.nextIntervalHistogram()) {
      histograms++;
      count += h.totalCount;
    }
    assert.equal(histograms, result.intervals.length);
    assert.equal(count, result.latency.count);
    assert.ok(reader.startTimeSec > 1.7e9, 'the absolute start time is in the log');
  });

  it('html: one page, with the data inside', async () => {
    const out = await volley('report', file, '--format', 'html', '-o', join(dir, 'r.html'));
    assert.equal(out.code, 0, out.stderr);
    const html = await readFile(join(dir, 'r.html'), 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.doesNotMatch(html, /<script[^>]+src=|<link[^>]+href="http/i, 'nothing loaded from elsewhere');
  });

  it('thresholds on a saved result: 0 when they pass, 99 when one fails, with the verdict printed', async () => {
    const pass = await volley('report', file, '--threshold', 'p99<10s', '--threshold', 'error_rate<0.01');
    assert.equal(pass.code, 0, pass.stderr);
    assert.match(pass.stdout, /thresholds: all passed/);
    const fail = await volley('report', file, '--threshold', 'p99<10s', '--threshold', 'rps>100000000');
    assert.equal(fail.code, 99);
    assert.match(
      fail.stdout,
      /thresholds: 1 of 2 FAILED\n\s+pass\s+p99<10s.*\n\s+FAIL\s+rps>100000000\s+actual [\d,.]+ req\/s/,
    );
  });

  it('--json prints the result document, as run --json does', async () => {
    const out = await volley('report', file, '--json', '--threshold', 'p(99)<10s', '--threshold', 'rps>1k/s');
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.equal(doc.requests.total, result.requests.total);
    assert.deepEqual(
      doc.thresholds.map((t: { expr: string; pass: boolean }) => [t.expr, t.pass]),
      [
        ['p(99)<10s', true],
        ['rps>1k/s', true],
      ],
    );
  });

  it('a threshold on a request name the saved result does not have is exit 2, naming it', async () => {
    const out = await volley('report', file, '--threshold', 'p99{step=login}<1s');
    assert.equal(out.code, 2);
    assert.equal(out.stderr, 'volley: p99{step=login}<1s: no request named "login" (the run has none)\n');
  });

  it('a result of a newer schema is said to be from a newer volley', async () => {
    const doc = JSON.parse(await readFile(file, 'utf8'));
    await writeFile(
      join(dir, 'newer.json'),
      JSON.stringify({ ...doc, schema: 2, tool: { name: 'volley', version: '9.0.0' } }),
    );
    const out = await volley('report', join(dir, 'newer.json'));
    assert.equal(out.code, 2);
    assert.match(
      out.stderr,
      /^volley: .*newer\.json was written by a newer volley \(9\.0\.0, result schema 2; this volley reads schema 1\): upgrade volley to read it\n$/,
    );
  });

  it('refuses a missing file, a file that is not JSON, a document that is not a result, and a bad format', async () => {
    await writeFile(join(dir, 'junk.txt'), 'hello');
    await writeFile(join(dir, 'other.json'), '{"schema": 1}');
    for (const [args, pattern] of [
      [[join(dir, 'none.json')], /cannot read .*none\.json: ENOENT/],
      [[join(dir, 'junk.txt')], /junk\.txt is not JSON/],
      [[join(dir, 'other.json')], /other\.json is not a volley result/],
      [[file, '--format', 'pdf'], /Expected --format=pdf to be one of/],
      [[file, '--threshold', 'p99<<1s'], /not a threshold/],
    ] as Array<[string[], RegExp]>) {
      const out = await volley('report', ...args);
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
      assert.match(out.stderr, pattern);
    }
  });
});

describe('--threshold on run and from a scenario file', () => {
  let target: Target;
  let dir: string;
  before(async () => {
    target = await startTarget({ port: 0 });
    dir = await mkdtemp(join(tmpdir(), 'volley-thresholds-'));
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('exits 99 when one fails, and the result file holds the verdicts', async () => {
    const file = join(dir, 'r.json');
    const out = await volley(
      'run',
      target.url,
      '-n',
      '500',
      '-c',
      '2',
      '-q',
      '-o',
      file,
      '--threshold',
      'p99<30s',
      '--threshold',
      'max<1us',
    );
    assert.equal(out.code, 99, out.stderr);
    assert.match(out.stdout, /FAIL\s+max<1us/);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(
      doc.thresholds.map((t: { expr: string; pass: boolean }) => [t.expr, t.pass]),
      [
        ['p99<30s', true],
        ['max<1us', false],
      ],
    );
    assert.equal(doc.requests.total, 500, 'a failed threshold loses nothing measured');
  });

  it('a malformed threshold is exit 2 and one line, before a single request is sent', async () => {
    const before = target.stats().requests;
    const out = await volley('run', target.url, '-n', '500', '--threshold', 'p99<fast');
    assert.equal(out.code, 2);
    assert.match(out.stderr.trim(), /^volley: not a threshold: "p99<fast"/);
    assert.equal(target.stats().requests, before);
  });

  it('takes thresholds from a scenario file too, command-line ones added', async () => {
    const scenario = join(dir, 's.yaml');
    await writeFile(
      scenario,
      `url: ${target.url}\nrequests:\n  - name: home\nload:\n  requests: 200\nthresholds:\n  - p99<30s\n  - error_rate<0.5\n`,
    );
    const out = await volley('run', '--scenario', scenario, '-q', '--format', 'json', '--threshold', 'rps>1000000000');
    assert.equal(out.code, 99, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.deepEqual(
      doc.thresholds.map((t: { expr: string; pass: boolean }) => [t.expr, t.pass]),
      [
        ['p99<30s', true],
        ['error_rate<0.5', true],
        ['rps>1000000000', false],
      ],
    );
    const before = target.stats().requests;
    const typo = await volley('run', '--scenario', scenario, '-q', '--threshold', 'p(95){step=hom}<1s');
    assert.equal(typo.code, 2);
    assert.equal(typo.stderr, 'volley: p(95){step=hom}<1s: no request named "hom" (the run has "home")\n');
    assert.equal(target.stats().requests, before, 'nothing sent');
    const step = await volley('run', '--scenario', scenario, '-q', '--json', '--threshold', 'p(95){request=home}<30s');
    assert.equal(step.code, 0, step.stderr);
    assert.equal(JSON.parse(step.stdout).thresholds[0].pass, true);
    await writeFile(scenario, `url: ${target.url}\nrequests:\n  - name: home\nthresholds:\n  - p99 is small\n`);
    const bad = await volley('run', '--scenario', scenario);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim(), /s\.yaml:5:5: thresholds\[0\]: not a threshold: "p99 is small" \(like p99<250ms/);
  });
});
