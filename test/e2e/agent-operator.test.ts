import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolvePlan } from '@volley/plan';
import { decode, encode, type Message, planToWire } from '@volley/protocol';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { WebSocketServer } from 'ws';
import { freePort, sleep, start, stopAll, type VolleyProcess, waitForLine } from './volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const env = { VOLLEY_TOKEN: 'agent-operator-secret' };

/** A 60 s closed-model plan on `connections` connections, as a controller would send it. */
function planOf(url: string, connections: number): ReturnType<typeof planToWire> {
  return planToWire(resolvePlan({ url, connections, durationMs: 60_000 }), 'r1');
}

/**
 * A controller played by the test: it welcomes the agent, sends it a plan and heartbeats, and never says
 * Start. `closed` is the agent's close frame.
 */
async function planningController(targetUrl: string, connections: number) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: Message[] = [];
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  let onClose: (closed: { code: number; reason: string }) => void = () => {};
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClose = resolve));
  wss.on('connection', (ws) => {
    const heartbeat = setInterval(() => ws.send(encode('heartbeat', { sentAtMs: Date.now() })), 200);
    ws.on('close', (code, reason) => {
      clearInterval(heartbeat);
      onClose({ code, reason: reason.toString() });
    });
    ws.on('message', (data: Buffer) => {
      const msg = decode(data);
      received.push(msg);
      if (msg.kind === 'hello') {
        ws.send(encode('welcome', { agentId: msg.body.agentId }));
        ws.send(encode('plan', planOf(targetUrl, connections)));
      } else if (msg.kind === 'ready') ready();
    });
  });
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    received,
    ready: isReady,
    closed,
    kill: () => {
      for (const ws of wss.clients) ws.terminate();
    },
    close: () => {
      for (const ws of wss.clients) ws.terminate();
      return new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Resolves with the exit, or fails the test if the process outlives `ms`. */
async function exitsWithin(proc: VolleyProcess, ms: number) {
  const timeout = sleep(ms).then(() => undefined);
  const out = await Promise.race([proc.exited, timeout]);
  assert.ok(out, `still running after ${ms} ms:\n${proc.stderr}`);
  return out;
}

describe('volley agent, as its operator runs it', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess({});
  });
  after(() => target.close());

  /** The target's open connections, once they settle at `n` (or after 2 s). */
  async function openAtTarget(n: number): Promise<number> {
    for (let i = 0; i < 100 && (await target.stats()).open !== n; i++) await sleep(20);
    return (await target.stats()).open;
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`holding a plan that never started, exits on ${signal} and closes its connections at the target`, async () => {
      const base = (await target.stats()).open;
      const controller = await planningController(target.url, 3);
      try {
        const agent = start(['agent', '--connect', controller.url, '--name', 'held'], { env });
        await controller.ready;
        assert.equal(await openAtTarget(base + 3), base + 3, 'the plan opened its connections ahead');
        agent.child.kill(signal);
        const out = await exitsWithin(agent, 5000);
        assert.equal(out.code, 0, out.stderr);
        assert.equal(await openAtTarget(base), base, 'and they are closed');
      } finally {
        await controller.close();
      }
    });
  }

  it('--once: exits when the controller dies between Plan and Start, closing its connections', async () => {
    const base = (await target.stats()).open;
    const controller = await planningController(target.url, 3);
    try {
      const agent = start(['agent', '--connect', controller.url, '--once'], { env });
      await controller.ready;
      assert.equal(await openAtTarget(base + 3), base + 3);
      controller.kill();
      const out = await exitsWithin(agent, 5000);
      assert.equal(out.code, 0, out.stderr);
      assert.equal(await openAtTarget(base), base);
    } finally {
      await controller.close();
    }
  });

  it('--allow-target: refuses a plan for another host, naming it, and opens nothing', async () => {
    const before = await target.stats();
    const controller = await planningController(target.url, 3);
    try {
      const agent = start(['agent', '--connect', controller.url, '--once', '--allow-target', '10.0.0.0/8'], { env });
      const closed = await controller.closed;
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /target 127\.0\.0\.1 is not allowed here \(--allow-target\)/);
      const out = await exitsWithin(agent, 5000);
      assert.match(out.stderr, /refused a plan outside the operator limits/);
      assert.equal((await target.stats()).connections, before.connections, 'not one connection');
    } finally {
      await controller.close();
    }
  });

  for (const [flags, message] of [
    [['--allow-target', '10.0.0.0/99'], /^volley: --allow-target: not a CIDR block: 10\.0\.0\.0\/99/],
    [['--max-rate', '-5'], /^volley: --max-rate must be requests per second/],
    [['--max-rate', '0'], /^volley: --max-rate must be a number of requests per second from 1/],
    [['--max-connections', '0'], /^volley: --max-connections: expected an integer greater than or equal to 1/],
  ] as const) {
    it(`refuses ${flags.join(' ')} in one line, exit 2`, async () => {
      const out = await start(['agent', '--connect', 'ws://127.0.0.1:1', '--once', ...flags], { env }).exited;
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, message);
      assert.equal(out.stderr.trim().split('\n').length, 1, out.stderr);
    });
  }

  it('the wrong scheme fails in one line with --once, exit 2: ws:// to wss://, and wss:// to ws://', async () => {
    const tls = ['--tls-cert', fixture('cert.pem'), '--tls-key', fixture('key.pem')];
    for (const [listen, connect, hint] of [
      ['wss', 'ws', /speaks TLS: connect to wss:\/\//],
      ['ws', 'wss', /does not speak TLS: connect to ws:\/\//],
    ] as const) {
      const port = await freePort();
      const ctl = start(
        ['controller', target.url, '--listen', `127.0.0.1:${port}`, '-n', '10', ...(listen === 'wss' ? tls : [])],
        { env },
      );
      await waitForLine(ctl, new RegExp(`listening on ${listen}://`));
      const agent = start(
        ['agent', '--connect', `${connect}://127.0.0.1:${port}`, '--once', '--ca', fixture('cert.pem')],
        {
          env,
        },
      );
      const out = await exitsWithin(agent, 10_000);
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr, hint);
      ctl.child.kill('SIGKILL');
      await ctl.exited;
    }
  });
});
