import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { volley } from './bin.js';

const SCHEMA = new URL('../schema/scenario.schema.json', import.meta.url);

/** A loopback server that counts requests by method and path and keeps the last body of each. */
function countingServer() {
  const seen: Record<string, number> = {};
  const bodies: Record<string, string> = {};
  const server = createServer((req, res) => {
    const key = `${req.method} ${req.url}`;
    seen[key] = (seen[key] ?? 0) + 1;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies[key] = `${req.headers['x-suite'] ?? ''}|${Buffer.concat(chunks).toString('utf8')}`;
      res.statusCode = req.url === '/gone' ? 410 : 200;
      res.end('ok');
    });
  });
  return {
    seen,
    bodies,
    reset() {
      for (const k of Object.keys(seen)) delete seen[k];
      for (const k of Object.keys(bodies)) delete bodies[k];
    },
    async listen() {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('scenario files', () => {
  let dir: string;
  let origin: string;
  const server = countingServer();
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'volley-scenario-'));
    origin = await server.listen();
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const write = async (name: string, text: string) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };

  const scenario = () => `
url: ${origin}/ignored-path
headers:
  x-suite: s1
requests:
  - name: home
    path: /
    weight: 3
  - name: order
    method: POST
    url: ${origin}/orders?src=test
    bodyFile: order.json
    weight: 1
  - name: gone
    path: /gone
    weight: 0.5
load:
  connections: 3
  duration: 30s
`;

  it('sends each request by its weight, with its method, headers and body, and reports each by name', async () => {
    server.reset();
    await write('order.json', '{"qty":2}');
    const file = await write('shop.yaml', scenario());
    // -n overrides the 30 s of the file; 9,000 is a whole number of weight cycles (3 + 1 + 0.5, doubled: 9).
    const out = await volley('run', '--scenario', file, '-n', '9000', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(server.seen, { 'GET /': 6000, 'POST /orders?src=test': 2000, 'GET /gone': 1000 });
    assert.equal(server.bodies['POST /orders?src=test'], 's1|{"qty":2}');
    const result = JSON.parse(out.stdout);
    assert.equal(result.requests.total, 9000);
    assert.equal(result.plan.connections, 3, 'the file sets the connections');
    assert.deepEqual(
      result.endpoints.map((e: { name: string; weight: number; requests: { total: number } }) => [
        e.name,
        e.weight,
        e.requests.total,
      ]),
      [
        ['home', 3, 6000],
        ['order', 1, 2000],
        ['gone', 0.5, 1000],
      ],
    );
    const gone = result.endpoints[2];
    assert.deepEqual(gone.requests.byStatus, { '410': 1000 });
    assert.equal(gone.latency.count, 1000);
  });

  it('prints the per-name table, and command-line flags override the file', async () => {
    server.reset();
    const file = await write('shop2.yaml', scenario());
    const out = await volley('run', '--scenario', file, '-n', '90', '-c', '1');
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /scenario: 3 requests on http:\/\/127\.0\.0\.1/);
    assert.match(out.stdout, /1 connections/);
    assert.match(out.stdout, /home\s+3\s+66\.7%\s+66\.7%\s+60\b/);
    assert.match(out.stdout, /gone\s+0\.5\s+11\.1%\s+11\.1%\s+10\s+0\s+10\b/);
  });

  it('runs the open model from the file, and shares a scenario among agents', async () => {
    server.reset();
    const file = await write(
      'open.yaml',
      `url: ${origin}\nrequests:\n  - name: a\n    weight: 3\n  - name: b\n    path: /b\nload:\n  rate: 400\n  duration: 1s\n  connections: 50\n`,
    );
    const open = await volley('run', '--scenario', file, '--format', 'json');
    assert.equal(open.code, 0, open.stderr);
    assert.deepEqual(server.seen, { 'GET /': 300, 'GET /b': 100 });
    assert.equal(JSON.parse(open.stdout).plan.model, 'open');

    server.reset();
    const shared = await volley('run', '--scenario', file, '--agents', '2', '-n', '800', '--format', 'json');
    assert.equal(shared.code, 0, shared.stderr);
    assert.deepEqual(server.seen, { 'GET /': 600, 'GET /b': 200 });
    const result = JSON.parse(shared.stdout);
    assert.deepEqual(
      result.endpoints.map((e: { requests: { total: number } }) => e.requests.total),
      [600, 200],
    );
  });

  const bad: Array<[string, string, RegExp]> = [
    ['a misspelt field', 'requests:\n  - name: a\n    wieght: 2\n', /:3:5: requests\[0\]: unknown field "wieght"$/],
    ['a weight of 0', 'requests:\n  - name: a\n    weight: 0\n', /:3:13: requests\[0\]\.weight: must be > 0$/],
    ['a missing name', 'requests:\n  - path: /a\n', /:2:5: requests\[0\]: missing field "name"$/],
    ['a name used twice', 'requests:\n  - name: a\n  - name: a\n', /:3:11: requests\[1\]\.name: "a" is used twice$/],
    ['no requests', 'requests: []\n', /:1:11: requests: must NOT have fewer than 1 items$/],
    ['a bad duration', 'requests:\n  - name: a\nload:\n  duration: 10x\n', /:4:13: load\.duration: must be a duration/],
    [
      'a bad stage',
      'requests:\n  - name: a\nload:\n  stages:\n    - duration: 1s\n      target: 5/x\n',
      /:6:15: load\.stages\[0\]\.target: must be a rate/,
    ],
    [
      'an unknown client',
      'requests:\n  - name: a\nload:\n  client: magic\n',
      /:4:11: load\.client: must be one of pooled, per-request$/,
    ],
    [
      'path and url both',
      'requests:\n  - name: a\n    path: /a\n    url: http://127.0.0.1:9/a\n',
      /:2:5: requests\[0\]: give path or url/,
    ],
    ['broken YAML', 'requests: [\n  - name: a\n', /:2:3: /],
    [
      'a body file that is not there',
      'requests:\n  - name: a\n    bodyFile: nope.bin\n',
      /:2:5: requests\[0\]\.bodyFile: cannot read .*nope\.bin: ENOENT$/,
    ],
    [
      'a request on another origin',
      'requests:\n  - name: a\n    url: http://10.0.0.1:1/x\n',
      /:2:5: requests\[0\]\.url .* is not on http:\/\/127\.0\.0\.1:9: a scenario targets one origin$/,
    ],
  ];
  for (const [what, text, pattern] of bad) {
    it(`refuses ${what}: file, line, column and field on one line, exit 2`, async () => {
      const file = await write(`bad-${what.replaceAll(' ', '-')}.yaml`, text);
      const out = await volley('run', 'http://127.0.0.1:9/', '--scenario', file);
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stdout, '');
      const lines = out.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, out.stderr);
      assert.ok(lines[0]?.startsWith(`volley: ${file}:`), lines[0]);
      assert.match(lines[0] ?? '', pattern);
    });
  }

  it('refuses a scenario file that does not exist', async () => {
    const out = await volley('run', 'http://127.0.0.1:9/', '--scenario', join(dir, 'none.yaml'));
    assert.equal(out.code, 2);
    assert.match(out.stderr.trim(), /^volley: cannot read scenario .*none\.yaml: ENOENT$/);
  });

  it('the README example is valid under the shipped JSON Schema', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const example = /```yaml\n(# yaml-language-server[^\n]*\n[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(example, 'README has a scenario example');
    const validate = new Ajv({ strict: false }).compile(JSON.parse(await readFile(SCHEMA, 'utf8')));
    assert.ok(validate(parse(example)), JSON.stringify(validate.errors));
  });
});
