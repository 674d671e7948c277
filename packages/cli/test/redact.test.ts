import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FORMAT_NAMES } from '@volley/report';
import { version as VERSION } from '../src/version.js';
import { volley } from './bin.js';

const SECRET = 's3cret';

describe('secrets in results and reports', () => {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    res.end('ok');
  });
  let url: string;
  let dir: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    dir = await mkdtemp(join(tmpdir(), 'volley-redact-'));
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  /** Every rendering of the result file, by format. */
  async function renderings(file: string): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const format of FORMAT_NAMES) {
      const shown = await volley('report', file, '--format', format);
      assert.equal(shown.code, 0, shown.stderr);
      out[format] = shown.stdout;
    }
    return out;
  }

  it('sends Authorization, Cookie and --redact headers as given, and masks them in the result and every report', async () => {
    const file = join(dir, 'result.json');
    const out = await volley(
      ...['run', url, '-n', '20', '-c', '2', '-o', file],
      ...['-H', `Authorization: Bearer ${SECRET}`, '-H', `Cookie: session=${SECRET}`],
      ...['-H', `X-Api-Key: key-${SECRET}`, '--redact', 'x-api-key', '-H', 'X-Trace: visible'],
    );
    assert.equal(out.code, 0, out.stderr);
    assert.equal(seen.length, 20);
    for (const headers of seen) {
      assert.equal(headers.authorization, `Bearer ${SECRET}`);
      assert.equal(headers.cookie, `session=${SECRET}`);
      assert.equal(headers['x-api-key'], `key-${SECRET}`);
    }
    const json = await readFile(file, 'utf8');
    assert.doesNotMatch(json, new RegExp(SECRET));
    const doc = JSON.parse(json);
    assert.deepEqual(doc.plan.headers, [
      ['Authorization', '[redacted]'],
      ['Cookie', '[redacted]'],
      ['X-Api-Key', '[redacted]'],
      ['X-Trace', 'visible'],
      ['user-agent', `volley/${VERSION}`],
    ]);
    assert.doesNotMatch(out.stdout, new RegExp(SECRET), 'the text report');
    for (const [format, text] of Object.entries(await renderings(file))) {
      assert.doesNotMatch(text, new RegExp(SECRET), `the ${format} report`);
    }
  });

  it('masks the built-in secret headers of a --demo run in the JSON result, the text and the HTML report', async () => {
    const file = join(dir, 'demo.json');
    const out = await volley(
      'run',
      '--demo',
      '-n',
      '20',
      '-c',
      '2',
      '-H',
      `Authorization: Bearer ${SECRET}`,
      '-o',
      file,
    );
    assert.equal(out.code, 0, out.stderr);
    assert.doesNotMatch(out.stdout, new RegExp(SECRET));
    assert.doesNotMatch(await readFile(file, 'utf8'), new RegExp(SECRET));
    const html = await volley('report', file, '--format', 'html');
    assert.equal(html.code, 0, html.stderr);
    assert.match(html.stdout, /<html/i);
    assert.doesNotMatch(html.stdout, new RegExp(SECRET));
  });

  it("masks a scenario's plan and request headers, and the names its redact: lists, as the agents send them", async () => {
    seen.length = 0;
    const scenario = join(dir, 'scenario.yaml');
    await writeFile(
      scenario,
      [
        `url: ${url}`,
        'redact: [X-Tenant]',
        'headers:',
        `  Proxy-Authorization: Basic ${SECRET}`,
        'requests:',
        '  - name: home',
        '    headers:',
        `      X-Tenant: t-${SECRET}`,
        `      Set-Cookie: a=${SECRET}`,
        'load:',
        '  requests: 10',
        '  connections: 1',
      ].join('\n'),
    );
    const file = join(dir, 'scenario.json');
    const out = await volley('run', '--scenario', scenario, '-o', file, '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    assert.equal(seen.length, 10);
    assert.equal(seen[0]?.['proxy-authorization'], `Basic ${SECRET}`);
    assert.equal(seen[0]?.['x-tenant'], `t-${SECRET}`);
    assert.doesNotMatch(out.stdout, new RegExp(SECRET));
    const doc = JSON.parse(await readFile(file, 'utf8'));
    assert.deepEqual(doc.plan.headers, [
      ['Proxy-Authorization', '[redacted]'],
      ['user-agent', `volley/${VERSION}`],
    ]);
    assert.deepEqual(doc.plan.endpoints[0].headers, [
      ['X-Tenant', '[redacted]'],
      ['Set-Cookie', '[redacted]'],
    ]);
  });
});
