import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { resolvePlan } from '@volley/plan';
import { decode, encode, type Message, planToWire } from '@volley/protocol';
import { startTarget, type Target } from '@volley/target';
import { pino } from 'pino';
import { WebSocketServer } from 'ws';
import { Agent } from '../src/index.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A controller that welcomes the agent, starts a long run and then falls silent: no heartbeats, no abort,
 * as if its machine froze. Real WebSocket, real agent, real target.
 */
async function silentController(
  targetUrl: string,
): Promise<{ url: string; received: Message[]; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const received: Message[] = [];
  wss.on('connection', (ws) => {
    // Heard from until the run has sent its first interval (its engine thread loads first: from sources, under
    // tsx, that can take a second or more), then silent.
    const beats = setInterval(() => ws.send(encode('heartbeat', { sentAtMs: Date.now() })), 100);
    ws.on('close', () => clearInterval(beats));
    ws.on('message', (data: Buffer) => {
      const msg = decode(data);
      received.push(msg);
      if (msg.kind === 'interval') clearInterval(beats);
      if (msg.kind !== 'hello') return;
      const plan = planToWire(
        resolvePlan({ url: targetUrl, durationMs: 60_000, connections: 2, intervalMs: 200 }),
        'r1',
      );
      ws.send(encode('welcome', { agentId: msg.body.agentId }));
      ws.send(encode('plan', plan));
      ws.send(encode('start', { runId: 'r1', delayMs: 0 }));
    });
  });
  const { port } = wss.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

describe('agent', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(() => target.close());

  it('stops firing when the controller falls silent (dead-man switch)', async () => {
    const controller = await silentController(target.url);
    try {
      const agent = new Agent({ url: controller.url, name: 'a', logger, agentTimeoutMs: 600 });
      const session = agent.serve();
      await session; // ends because the agent gave up on its controller, not because the 60 s run finished
      const stopped = target.stats().requests;
      assert.ok(stopped > 0, 'the run had started');
      await sleep(400);
      assert.equal(target.stats().requests, stopped, 'no load after the switch tripped');
      assert.ok(
        controller.received.some((m) => m.kind === 'interval'),
        'intervals streamed while the run lasted',
      );
    } finally {
      await controller.close();
    }
  });

  for (const workers of [1, 2]) {
    it(`says Ready with its connections opened ahead, sends nothing before the Start, then runs on them (${workers} thread${workers > 1 ? 's' : ''})`, async () => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
      const before = target.stats();
      let atReady: { connections: number; requests: number } | undefined;
      const finished = new Promise<void>((resolve) => {
        wss.on('connection', (ws) => {
          ws.on('message', (data: Buffer) => {
            const msg = decode(data);
            if (msg.kind === 'hello') {
              const plan = planToWire(
                resolvePlan({ url: target.url, requests: 40, connections: 4, intervalMs: 200 }),
                'r1',
              );
              ws.send(encode('welcome', { agentId: msg.body.agentId }));
              ws.send(encode('plan', { ...plan, runId: 'r2' }));
            } else if (msg.kind === 'ready') {
              // The target counts a connection when its own accept runs, a moment after the agent's connect.
              const settle = async () => {
                for (let i = 0; i < 100 && target.stats().connections - before.connections < 4; i++) await sleep(10);
                const now = target.stats();
                atReady = {
                  connections: now.connections - before.connections,
                  requests: now.requests - before.requests,
                };
                ws.send(encode('start', { runId: 'r2', delayMs: 0 }));
              };
              void settle();
            } else if (msg.kind === 'finished') {
              resolve();
              ws.close(1000);
            }
          });
        });
      });
      try {
        const { port } = wss.address() as AddressInfo;
        const agent = new Agent({ url: `ws://127.0.0.1:${port}`, name: 'a', logger, workers });
        const session = agent.serve();
        await finished;
        await session;
        assert.deepEqual(atReady, { connections: 4, requests: 0 });
        assert.equal(target.stats().requests - before.requests, 40);
        assert.equal(target.stats().connections - before.connections, 4, 'the run used the connections opened ahead');
      } finally {
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      }
    });
  }
});
