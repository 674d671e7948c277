import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent, AgentRejectedError } from '@volley/agent';
import { decodeHistogramBase64 } from '@volley/metrics';
import { type Plan, type PlanInput, resolvePlan } from '@volley/plan';
import { decode, encode, PROTOCOL_VERSION } from '@volley/protocol';
import { startTarget, type Target } from '@volley/target';
import { pino } from 'pino';
import WebSocket from 'ws';
import { Controller, type ControllerOptions } from '../src/index.js';

const logger = pino({ level: 'silent' });
const TOKEN = 'test-token';

function planOf(input: Partial<PlanInput> & { url: string }): Plan {
  return resolvePlan({ intervalMs: 200, ...input });
}

function controller(plan: Plan, options: Partial<ControllerOptions> = {}): Controller {
  return new Controller({
    agents: 1,
    plan,
    toolVersion: 'test',
    token: TOKEN,
    logger,
    startDelayMs: 50,
    waitTimeoutMs: 10_000,
    ...options,
  });
}

/** A raw WebSocket speaking to the controller, for frames a well-behaved agent never sends. */
async function rawClient(
  url: string,
  token = TOKEN,
): Promise<{ ws: WebSocket; frames: ReturnType<typeof decode>[]; closed: Promise<number> }> {
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const frames: ReturnType<typeof decode>[] = [];
  ws.on('message', (data: Buffer) => frames.push(decode(data)));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, frames, closed };
}

describe('controller and agents over a real WebSocket', () => {
  let target: Target;
  const open: Controller[] = [];

  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(async () => {
    await Promise.all(open.map((c) => c.close()));
    await target.close();
  });

  function track(c: Controller): Controller {
    open.push(c);
    return c;
  }

  it('splits a request count over three agents and merges their histograms exactly', async () => {
    const before = target.stats().requests;
    const c = track(controller(planOf({ url: target.url, requests: 3001, connections: 6 }), { agents: 3 }));
    const url = await c.listen();
    const agents = [0, 1, 2].map((i) => new Agent({ url, token: TOKEN, name: `a${i}`, logger }));
    const sessions = agents.map((a) => a.serve());
    const result = await c.run();
    await Promise.all(sessions);

    assert.equal(result.requests.total, 3001);
    assert.equal(result.requests.byStatus['200'], 3001);
    assert.equal(target.stats().requests - before, 3001, 'the target saw exactly the requests the result counts');
    assert.equal(result.agents.length, 3);
    assert.deepEqual(
      result.agents.map((a) => a.requests).sort(),
      [1000, 1000, 1001],
      'shares differ by at most one request',
    );
    assert.equal(
      result.agents.reduce((n, a) => n + a.requests, 0),
      3001,
    );
    // The run's histogram is the sum of every interval histogram, so it holds every response once.
    assert.equal(result.latency.count, 3001);
    assert.equal(decodeHistogramBase64(result.latency.histogram).totalCount, 3001);
    assert.equal(result.aborted, false);
  });

  it('refuses an agent with a wrong token before the upgrade', async () => {
    const c = track(controller(planOf({ url: target.url, requests: 1 })));
    const url = await c.listen();
    const agent = new Agent({ url, token: 'wrong', name: 'intruder', logger });
    await assert.rejects(
      agent.serve(),
      (err: Error) => err instanceof AgentRejectedError && /HTTP 401/.test(err.message),
    );
    assert.equal(c.joined, 0);
  });

  it('rejects an agent that speaks another protocol version, naming both versions', async () => {
    const c = track(controller(planOf({ url: target.url, requests: 1 })));
    const url = await c.listen();
    const { ws, frames, closed } = await rawClient(url);
    const hello = encode('hello', { agentId: 'x', name: 'old', version: '0.0.1' });
    // Envelope field 1 (protocol_version) is the first varint: 0x08 then the version.
    assert.equal(hello[0], 0x08);
    const other = Uint8Array.from(hello);
    other[1] = 0x63; // version 99
    ws.send(other);
    assert.equal(await closed, 1008);
    const reject = frames.find((f) => f.kind === 'reject');
    assert.ok(reject && reject.kind === 'reject');
    assert.match(reject.body.reason, new RegExp(`version 99.*version ${PROTOCOL_VERSION}`));
    assert.equal(c.joined, 0);
  });

  it('closes a connection that sends a frame it cannot decode', async () => {
    const c = track(controller(planOf({ url: target.url, requests: 1 })));
    const url = await c.listen();
    const { ws, closed } = await rawClient(url);
    ws.send(Buffer.from('not a protobuf envelope at all'));
    assert.equal(await closed, 1007);
    assert.equal(c.joined, 0);
  });

  it('drops a connection that never says Hello, and an agent that does still joins and runs', async () => {
    const c = track(controller(planOf({ url: target.url, requests: 20 }), { helloTimeoutMs: 200 }));
    const url = await c.listen();
    const mute = await rawClient(url);
    const code = await mute.closed;
    assert.equal(code, 1006, 'terminated, with no close handshake to wait on');
    assert.equal(c.joined, 0);
    const agent = new Agent({ url, token: TOKEN, name: 'late', logger });
    const session = agent.serve();
    const result = await c.run();
    await session;
    assert.equal(result.requests.total, 20);
  });

  it('finishes a run when an agent goes silent, keeping what the others measured', async () => {
    const c = track(
      controller(planOf({ url: target.url, requests: 400, connections: 2 }), {
        agents: 2,
        heartbeatMs: 100,
        agentTimeoutMs: 600,
      }),
    );
    const url = await c.listen();
    // A member that says hello and then never answers: a frozen machine, from the controller's point of view.
    const mute = await rawClient(url);
    mute.ws.send(encode('hello', { agentId: 'mute', name: 'mute', version: 'test' }));
    const agent = new Agent({ url, token: TOKEN, name: 'live', logger });
    const session = agent.serve();
    const result = await c.run();
    await session;

    const byName = Object.fromEntries(result.agents.map((a) => [a.name, a]));
    assert.equal(byName.mute?.lost, true);
    assert.equal(byName.live?.lost, false);
    assert.equal(byName.live?.requests, 200);
    assert.equal(result.requests.total, 200);
    assert.equal(result.aborted, false);
  });

  it('an abort before the start barrier sends no Start and still returns a result', async () => {
    const c = track(controller(planOf({ url: target.url, durationMs: 60_000 })));
    const url = await c.listen();
    // A member that never echoes heartbeats keeps the controller measuring round trips for a second.
    const slow = await rawClient(url);
    slow.ws.send(encode('hello', { agentId: 'slow', name: 'slow', version: 'test' }));
    const running = c.run();
    setTimeout(() => c.abort('test'), 300);
    const result = await running;
    assert.equal(result.aborted, true);
    assert.equal(result.requests.total, 0);
    // The controller closes the connection after the run: every frame it sent has arrived by then.
    await slow.closed;
    const kinds = slow.frames.map((f) => f.kind);
    assert.ok(kinds.includes('plan') && kinds.includes('abort'), kinds.join(','));
    assert.ok(!kinds.includes('start'), 'no Start after an abort');
  });

  it('sends the Start only once every agent is Ready, and after a time limit without a late one', async () => {
    for (const [readyAfterMs, readyTimeoutMs] of [
      [400, 10_000],
      [-1, 300],
    ] as const) {
      const c = track(controller(planOf({ url: target.url, requests: 1 }), { readyTimeoutMs }));
      const url = await c.listen();
      // An agent that echoes heartbeats and reports Ready `readyAfterMs` after its Plan (-1: never).
      const raw = await rawClient(url);
      let readyAt = Number.POSITIVE_INFINITY;
      let startAt = Number.POSITIVE_INFINITY;
      raw.ws.on('message', (data: Buffer) => {
        const msg = decode(data);
        if (msg.kind === 'heartbeat') raw.ws.send(encode('heartbeat', { sentAtMs: msg.body.sentAtMs }));
        if (msg.kind === 'plan' && readyAfterMs >= 0) {
          const { runId } = msg.body;
          setTimeout(() => {
            readyAt = performance.now();
            raw.ws.send(encode('ready', { runId }));
          }, readyAfterMs);
        }
        if (msg.kind === 'start') {
          startAt = performance.now();
          raw.ws.send(encode('finished', { runId: msg.body.runId, intervals: 0, requests: 0, durationMs: 0 }));
        }
      });
      const t0 = performance.now();
      raw.ws.send(encode('hello', { agentId: 'raw', name: 'raw', version: 'test' }));
      await c.run();
      if (readyAfterMs >= 0) assert.ok(startAt >= readyAt, 'no Start before the Ready');
      else assert.ok(startAt - t0 >= readyTimeoutMs, `Start after the ${readyTimeoutMs} ms limit`);
      assert.ok(Number.isFinite(startAt), 'a Start was sent');
      raw.ws.terminate();
    }
  });

  it('aborts a long run: agents stop, and the result holds what was measured', async () => {
    const c = track(controller(planOf({ url: target.url, durationMs: 60_000, connections: 2 })));
    const url = await c.listen();
    const agent = new Agent({ url, token: TOKEN, name: 'a', logger });
    const session = agent.serve();
    const before = target.stats().requests;
    const running = c.run();
    // Once the load is on (the engine's thread loads first: from sources, under tsx, that can take a second).
    const firing = setInterval(() => {
      if (target.stats().requests === before) return;
      clearInterval(firing);
      setTimeout(() => c.abort('test'), 200);
    }, 20);
    const result = await running.finally(() => clearInterval(firing));
    await session;
    assert.equal(result.aborted, true);
    assert.ok(result.requests.total > 0, 'requests measured before the abort are kept');
    const settled = target.stats().requests;
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(target.stats().requests, settled, 'no request reaches the target after the abort');
  });
});
