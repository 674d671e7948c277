import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { decode, encode } from '@volley/protocol';
import { pino } from 'pino';
import WebSocket from 'ws';
import { AgentServer, HEARTBEAT_SLICES } from '../src/agent-server.js';

/** Waits (real time, at most 5 s) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('heartbeats', () => {
  const sockets: WebSocket[] = [];
  let server: AgentServer | undefined;
  after(async () => {
    for (const ws of sockets) ws.terminate();
    await server?.close();
  });

  it('reach every agent once a period, a slice of the agents at a time rather than all at once', async (t) => {
    t.mock.timers.enable({ apis: ['setInterval'] });
    const agents = 2 * HEARTBEAT_SLICES;
    let joined = 0;
    server = new AgentServer(
      { logger: pino({ level: 'silent' }), heartbeatMs: 800 },
      { refuse: () => undefined, joined: () => joined++, message: () => {}, departed: () => {} },
    );
    const url = await server.listen();
    const beats = new Array<number>(agents).fill(0);
    for (let a = 0; a < agents; a++) {
      const ws = new WebSocket(url);
      sockets.push(ws);
      ws.on('message', (data: Buffer) => {
        if (decode(data).kind === 'heartbeat') beats[a] = (beats[a] ?? 0) + 1;
      });
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(encode('hello', { agentId: `a${a}`, name: `a${a}` }));
    }
    await until(() => joined === agents);
    const total = (): number => beats.reduce((x, y) => x + y, 0);

    t.mock.timers.tick(800 / HEARTBEAT_SLICES);
    await until(() => total() >= 2);
    // What one slice sends is all there is: a round trip later, nothing more came.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(total(), agents / HEARTBEAT_SLICES, 'one slice of the agents, not all of them');

    t.mock.timers.tick(800 - 800 / HEARTBEAT_SLICES);
    await until(() => total() >= agents);
    assert.deepEqual(beats, new Array(agents).fill(1), 'every agent heard exactly one in the period');

    t.mock.timers.tick(800);
    await until(() => total() >= 2 * agents);
    assert.deepEqual(beats, new Array(agents).fill(2));
  });
});
