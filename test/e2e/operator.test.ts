import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { freePort, sleep, start, stopAll, waitForLine } from './volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const env = { VOLLEY_TOKEN: 'operator-secret' };

describe('what an operator meets', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess({});
    dir = await mkdtemp(join(tmpdir(), 'volley-e2e-'));
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs over wss:// with the controller certificate trusted through --ca', async () => {
    const port = await freePort();
    const tls = ['--tls-cert', fixture('cert.pem'), '--tls-key', fixture('key.pem')];
    const ctl = start(['controller', target.url, '--listen', `127.0.0.1:${port}`, '-n', '2000', ...tls], { env });
    await waitForLine(ctl, /listening on wss:\/\//);
    // Without --ca the self-signed certificate is refused, in one line, at once.
    const untrusting = await start(['agent', '--connect', `wss://127.0.0.1:${port}`, '--once'], { env }).exited;
    assert.equal(untrusting.code, 2);
    assert.match(untrusting.stderr, /volley: controller's certificate refused: .*\(--ca\?\)/);
    const agent = start(['agent', '--connect', `wss://127.0.0.1:${port}`, '--once', '--ca', fixture('cert.pem')], {
      env,
    });
    const out = await ctl.exited;
    await agent.exited;
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /2,000 total\s+2,000 ok/);
  });

  it('Ctrl-C on the controller aborts the agents and still prints and writes the report', async () => {
    const port = await freePort();
    const file = join(dir, 'aborted.json');
    const ctl = start(['controller', target.url, '--listen', `127.0.0.1:${port}`, '-d', '60s', '-o', file], { env });
    await waitForLine(ctl, /listening/);
    const agent = start(['agent', '--connect', `ws://127.0.0.1:${port}`, '--once'], { env });
    await waitForLine(ctl, /run started/);
    await sleep(1500);
    ctl.child.kill('SIGINT');
    const out = await ctl.exited;
    assert.equal(out.code, 1);
    assert.match(out.stdout, /run stopped early/);
    const doc = JSON.parse(await readFile(file, 'utf8'));
    assert.equal(doc.aborted, true);
    assert.ok(doc.requests.total > 0);
    assert.equal((await agent.exited).code, 0, 'the agent was told to stop and left cleanly');
    const settled = (await target.stats()).requests;
    await sleep(300);
    assert.equal((await target.stats()).requests, settled);
  });

  it('ends with what was measured and exit 1 when every agent is lost', async () => {
    const port = await freePort();
    const ctl = start(['controller', target.url, '--listen', `127.0.0.1:${port}`, '-d', '60s', '--format', 'json'], {
      env,
    });
    await waitForLine(ctl, /listening/);
    const agent = start(['agent', '--connect', `ws://127.0.0.1:${port}`, '--once'], { env });
    await waitForLine(ctl, /run started/);
    await sleep(1500);
    agent.child.kill('SIGKILL');
    const out = await ctl.exited;
    assert.equal(out.code, 1);
    const doc = JSON.parse(out.stdout);
    assert.equal(doc.agents[0].lost, true);
    assert.equal(doc.aborted, true);
    assert.ok(doc.requests.total > 0, 'the intervals it reported are kept');
  });

  it('listens beyond loopback without a token only with --insecure-no-token, and warns loudly', async () => {
    const port = await freePort();
    const ctl = start(['controller', target.url, '--listen', `0.0.0.0:${port}`, '-n', '10', '--insecure-no-token']);
    await waitForLine(ctl, /listening/);
    ctl.child.kill('SIGINT');
    const out = await ctl.exited;
    assert.match(out.stderr, /WARNING: --insecure-no-token/);
  });

  it('refuses bad controller and agent input with one line and exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['controller', target.url, '--listen', 'nowhere'], /--listen must be HOST:PORT/],
      [['controller', target.url, '--agents', '5', '-c', '2'], /--agents 5 needs at least as many connections/],
      [['controller'], /missing URL/],
      [['controller', target.url, '--tls-cert', fixture('cert.pem')], /--tls-key/],
      [['agent'], /--connect/],
      [['agent', '--connect', 'http://127.0.0.1:1'], /must be ws:\/\/HOST:PORT/],
      [['agent', '--connect', 'wss://127.0.0.1:1', '--ca', '/nonexistent.pem'], /cannot read \/nonexistent\.pem/],
    ];
    for (const [args, pattern] of cases) {
      const out = await start(args).exited;
      assert.equal(out.code, 2, `${args.join(' ')}: ${out.stderr}`);
      const lines = out.stderr.trim().split('\n');
      assert.equal(lines.length, 1, out.stderr);
      assert.match(lines[0] ?? '', pattern);
    }
  });
});
