import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { createTotalHistogram, decodeHistogramBase64, summarize } from '@volley/metrics';
import { decode, encode, PROTOCOL_VERSION } from '@volley/protocol';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import WebSocket from 'ws';
import { freePort, sleep, start, stopAll, type VolleyProcess, waitForLine } from './volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

const TOKEN = 'e2e-secret';
const env = { VOLLEY_TOKEN: TOKEN };

/** A controller on a free loopback port, and its ws:// address once it listens. */
async function controller(args: string[]): Promise<{ proc: VolleyProcess; url: string }> {
  const port = await freePort();
  const proc = start(['controller', ...args, '--listen', `127.0.0.1:${port}`, '--format', 'json'], { env });
  await waitForLine(proc, /listening on ws:\/\//);
  return { proc, url: `ws://127.0.0.1:${port}` };
}

function agent(url: string, name: string, extra: string[] = []): VolleyProcess {
  return start(['agent', '--connect', url, '--name', name, '--once', ...extra], { env });
}

describe('distributed runs: real controller and agent processes', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess({});
  });
  after(() => target.close());

  it('three agents: totals match the target, and the merged percentiles are exact', async () => {
    const before = await target.stats();
    const ctl = await controller([target.url, '--agents', '3', '-n', '30000', '-c', '6']);
    const agents = ['a1', 'a2', 'a3'].map((name) => agent(ctl.url, name));
    const out = await ctl.proc.exited;
    await Promise.all(agents.map((a) => a.exited));
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    const after = await target.stats();

    assert.equal(result.requests.total, 30000);
    assert.equal(after.requests - before.requests, 30000, "the target's own count");
    assert.equal(result.agents.length, 3);
    assert.equal(
      result.agents.reduce((n: number, a: { requests: number }) => n + a.requests, 0),
      30000,
      'the sum over agents',
    );
    // One histogram holding every agent's values, built here from the agents' own histograms.
    const all = createTotalHistogram();
    for (const a of result.agents) all.add(decodeHistogramBase64(a.latency.histogram));
    const want = summarize(all);
    for (const key of ['count', 'min', 'p50', 'p75', 'p90', 'p99', 'p99_9', 'p99_99'] as const) {
      assert.equal(result.latency[key], want[key], key);
    }
    assert.match(out.stderr, /joined: 3\/3/);
  });

  it('thresholds are judged on the merged result of all agents: exit 99 on a failure', async () => {
    // max is the merged maximum over both agents' histograms, checked against the result's own figure.
    const ctl = await controller([
      target.url,
      '--agents',
      '2',
      '-n',
      '2000',
      '-c',
      '4',
      '--threshold',
      'p50<30s',
      '--threshold',
      'max<1us',
    ]);
    const agents = ['t1', 't2'].map((name) => agent(ctl.url, name));
    const out = await ctl.proc.exited;
    await Promise.all(agents.map((a) => a.exited));
    assert.equal(out.code, 99, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.requests.total, 2000);
    assert.deepEqual(
      result.thresholds.map((t: { expr: string; pass: boolean; actual: number }) => [t.expr, t.pass]),
      [
        ['p50<30s', true],
        ['max<1us', false],
      ],
    );
    assert.equal(result.thresholds[1].actual, result.latency.max);
  });

  it('an agent killed with SIGKILL mid-run is flagged lost, and the run still completes', async () => {
    const ctl = await controller([target.url, '--agents', '3', '-d', '4s', '-c', '6']);
    const agents = ['k1', 'k2', 'k3'].map((name) => agent(ctl.url, name));
    await waitForLine(ctl.proc, /run started/);
    await sleep(2200); // past the first interval report (start delay + 1 s)
    agents[1]?.child.kill('SIGKILL');
    const out = await ctl.proc.exited;
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    const byName = Object.fromEntries(result.agents.map((a: { name: string }) => [a.name, a]));
    assert.equal(byName.k2.lost, true);
    assert.ok(byName.k2.requests > 0, 'what the lost agent reported before it died is kept');
    assert.equal(byName.k1.lost, false);
    assert.equal(byName.k3.lost, false);
    assert.match(out.stderr, /agent k2 LOST/);
    await Promise.all(agents.map((a) => a.exited));
  });

  it('after the controller is killed with SIGKILL, the target sees no more requests', async () => {
    const ctl = await controller([target.url, '--agents', '2', '-d', '60s', '-c', '4', '--agent-timeout', '2s']);
    const agents = ['d1', 'd2'].map((name) => agent(ctl.url, name, ['--agent-timeout', '2s']));
    await waitForLine(ctl.proc, /run started/);
    await sleep(800);
    ctl.proc.child.kill('SIGKILL');
    await ctl.proc.exited;
    await sleep(2500); // the agent timeout, and a little more
    const settled = (await target.stats()).requests;
    await sleep(1000);
    assert.equal((await target.stats()).requests, settled, 'no orphaned load');
    await Promise.all(agents.map((a) => a.exited));
  });

  it('an agent stops firing when its controller freezes (SIGSTOP): the dead-man switch', async () => {
    const ctl = await controller([target.url, '--agents', '1', '-d', '60s', '-c', '2']);
    const a = agent(ctl.url, 'frozen', ['--agent-timeout', '1s']);
    await waitForLine(ctl.proc, /run started/);
    await sleep(500);
    ctl.proc.child.kill('SIGSTOP');
    try {
      await sleep(1800);
      const settled = (await target.stats()).requests;
      await sleep(1000);
      assert.equal((await target.stats()).requests, settled, 'the agent stopped on its own');
      const out = await a.exited;
      assert.notEqual(out.code, null, 'the agent exited');
    } finally {
      ctl.proc.child.kill('SIGKILL');
      ctl.proc.child.kill('SIGCONT');
    }
  });

  it('rejects a wrong token, a missing token, another protocol version and random bytes, and the run goes on', async () => {
    const before = await target.stats();
    const ctl = await controller([target.url, '--agents', '1', '-n', '20000', '-c', '2']);
    const a = agent(ctl.url, 'good');
    await waitForLine(ctl.proc, /run started/);

    const refused = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(ctl.url, { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('upgrade accepted')));
        ws.on('error', () => {});
      });
    assert.equal(await refused({ authorization: 'Bearer wrong' }), 401);
    assert.equal(await refused({}), 401);

    const session = async (frame: Uint8Array) => {
      const ws = new WebSocket(ctl.url, { headers: { authorization: `Bearer ${TOKEN}` } });
      const frames: ReturnType<typeof decode>[] = [];
      ws.on('message', (data: Buffer) => frames.push(decode(data)));
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(frame);
      const code = await new Promise<number>((resolve) => ws.once('close', resolve));
      return { code, frames };
    };
    const hello = encode('hello', { agentId: 'x', name: 'old', version: '0.0.0' });
    hello[1] = 99; // Envelope.protocol_version is the first varint
    const old = await session(hello);
    assert.equal(old.code, 1008);
    const reject = old.frames.find((f) => f.kind === 'reject');
    assert.match(
      reject?.kind === 'reject' ? reject.body.reason : '',
      new RegExp(`version 99.*version ${PROTOCOL_VERSION}`),
    );
    assert.equal((await session(randomBytes(512))).code, 1007);

    const out = await ctl.proc.exited;
    await a.exited;
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.requests.total, 20000);
    assert.equal(result.agents.length, 1);
    assert.equal(result.agents[0].lost, false);
    assert.equal((await target.stats()).requests - before.requests, 20000);
  });

  it('an agent with a wrong token exits 2 with one line', async () => {
    const ctl = await controller([target.url, '--agents', '1', '-n', '10']);
    const bad = start(['agent', '--connect', ctl.url, '--once'], { env: { VOLLEY_TOKEN: 'nope' } });
    const out = await bad.exited;
    ctl.proc.child.kill('SIGINT');
    assert.equal(out.code, 2);
    assert.match(out.stderr.trim().split('\n').at(-1) ?? '', /^volley: controller refused the connection: HTTP 401/);
    const ended = await ctl.proc.exited;
    assert.equal(ended.code, 1, 'interrupted while waiting: nothing measured');
    assert.match(ended.stderr, /volley: aborted while waiting for agents/);
  });

  it('volley run --agents 2 runs two agent processes through the same path (each on two threads)', async () => {
    const before = await target.stats();
    const run = start([
      'run',
      target.url,
      '--agents',
      '2',
      '--workers',
      '2',
      '-n',
      '10000',
      '-c',
      '4',
      '--format',
      'json',
    ]);
    const out = await run.exited;
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.requests.total, 10000);
    assert.deepEqual(result.agents.map((a: { name: string; requests: number }) => [a.name, a.requests]).sort(), [
      ['local-1', 5000],
      ['local-2', 5000],
    ]);
    assert.equal((await target.stats()).requests - before.requests, 10000);
  });

  it('volley run --agents 2 -R shares the rate: the target sees the asked rate in all', async () => {
    const before = await target.stats();
    const run = start(['run', target.url, '--agents', '2', '-R', '600', '-d', '2s', '-c', '20', '--format', 'json']);
    const out = await run.exited;
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.plan.model, 'open');
    assert.equal(result.throughput.target, 600);
    assert.equal(result.requests.total, 1200);
    assert.equal((await target.stats()).requests - before.requests, 1200);
    assert.deepEqual(
      result.agents.map((a: { requests: number }) => a.requests),
      [600, 600],
    );
    assert.equal(result.serviceTime.count, 1200, 'service times from both agents are merged');
  });
});
