import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { version } from '../src/version.js';
import { volley } from './bin.js';

/** A loopback server that keeps the raw headers and the body of the last request. */
function recordingServer() {
  const last: { raw: string[]; headers: IncomingHttpHeaders; body: string; count: number } = {
    raw: [],
    headers: {},
    body: '',
    count: 0,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      last.raw = req.rawHeaders;
      last.headers = req.headers;
      last.body = Buffer.concat(chunks).toString('utf8');
      last.count++;
      res.end('ok');
    });
  });
  return {
    last,
    listen: async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const userAgents = (raw: string[]) => raw.filter((_, i) => i % 2 === 1 && raw[i - 1]?.toLowerCase() === 'user-agent');

describe('what every request carries: a User-Agent, and a body from a file', () => {
  const server = recordingServer();
  let url: string;
  let dir: string;
  before(async () => {
    url = await server.listen();
    dir = await mkdtemp(join(tmpdir(), 'volley-request-'));
  });
  beforeEach(() => {
    server.last.count = 0;
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sends User-Agent: volley/VERSION by default, and records it in the plan', async () => {
    const out = await volley('run', url, '-n', '3', '-c', '1', '-q', '--json');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(userAgents(server.last.raw), [`volley/${(await volley('--version')).stdout.split(/[/ ]/)[1]}`]);
    assert.deepEqual(JSON.parse(out.stdout).plan.headers, [['user-agent', server.last.headers['user-agent']]]);
  });

  it("lets the user's own User-Agent win, in any case, sent once", async () => {
    const out = await volley('run', url, '-n', '3', '-c', '1', '-q', '-H', 'USER-agent: my-probe/2');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(userAgents(server.last.raw), ['my-probe/2']);
  });

  it('puts it on every step of a flow (a step sends only its own headers), unless the step sets one', async () => {
    const file = join(dir, 'flow.yaml');
    await writeFile(
      file,
      `url: ${url}\nflow:\n  - name: home\n  - name: probe\n    headers: { User-Agent: probe/1 }\nload: { connections: 1, requests: 1 }\n`,
    );
    const out = await volley('run', '--scenario', file, '-q', '--json', '--threshold', 'p99{step=probe}<30s');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(userAgents(server.last.raw), ['probe/1'], 'the last step sent its own, once');
    const steps = JSON.parse(out.stdout).plan.flow.steps as Array<{ name: string; headers: string[][] }>;
    assert.deepEqual(
      steps.map((s) => [s.name, s.headers.filter(([n]) => n?.toLowerCase() === 'user-agent').map(([, v]) => v)]),
      [
        ['home', [`volley/${version}`]],
        ['probe', ['probe/1']],
      ],
    );
    const typo = await volley('run', '--scenario', file, '-q', '--threshold', 'p99{step=hom}<30s');
    assert.equal(typo.code, 2);
    assert.equal(typo.stderr, 'volley: p99{step=hom}<30s: no request named "hom" (the run has "home", "probe")\n');
  });

  it('sends a body from --body-file and from -b @FILE', async () => {
    const file = join(dir, 'order.json');
    await writeFile(file, '{"sku":"a-1","qty":2}');
    for (const flags of [
      ['--body-file', file],
      ['-b', `@${file}`],
    ]) {
      const out = await volley('run', url, '-n', '2', '-c', '1', '-q', '-m', 'POST', ...flags);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(server.last.count, 2);
      assert.equal(server.last.body, '{"sku":"a-1","qty":2}');
      server.last.count = 0;
    }
  });

  it('refuses a body file that is missing, not a regular file, or given with -b: one line, exit 2, nothing sent', async () => {
    for (const [flags, pattern] of [
      [['--body-file', join(dir, 'none')], /^volley: --body-file: cannot read .*none: ENOENT$/],
      [['-b', '@/dev/zero'], /^volley: --body @FILE: cannot read \/dev\/zero: not a regular file$/],
      [['-b', 'x', '--body-file', '/dev/null'], /cannot also be provided/],
    ] as Array<[string[], RegExp]>) {
      const out = await volley('run', url, '-n', '2', ...flags);
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr.trimEnd(), pattern);
      assert.equal(out.stderr.trimEnd().split('\n').length, 1, out.stderr);
    }
    assert.equal(server.last.count, 0);
  });
});
