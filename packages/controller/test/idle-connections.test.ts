import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { resolvePlan } from '@volley/plan';
import { pino } from 'pino';
import { Controller, type ControllerOptions } from '../src/index.js';
import { TOKEN } from './fake-agent.js';

const TLS_DIR = new URL('../../../test/fixtures/tls/', import.meta.url);

function controller(options: Partial<ControllerOptions> = {}): Controller {
  return new Controller({
    agents: 1,
    plan: resolvePlan({ url: 'http://127.0.0.1:9/', requests: 1 }),
    toolVersion: 'test',
    token: TOKEN,
    logger: pino({ level: 'silent' }),
    ...options,
  });
}

/** A TCP connection to the controller's port that sends `bytes` (maybe nothing) and then waits. */
async function idle(url: string, bytes = ''): Promise<{ socket: Socket; closed: Promise<number> }> {
  const { hostname, port } = new URL(url.replace(/^ws/, 'http'));
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  await new Promise((resolve) => socket.once('connect', resolve));
  if (bytes) socket.write(bytes);
  const opened = performance.now();
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now() - opened)));
  return { socket, closed };
}

describe('idle, half-sent and Hello-less connections hold up nothing', () => {
  const sockets: Socket[] = [];
  const controllers: Controller[] = [];
  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(controllers.map((c) => c.close()));
  });

  it('closes a connection that sends nothing, or half an upgrade, once the Hello time is up', async () => {
    const c = controller({ helloTimeoutMs: 300 });
    controllers.push(c);
    const url = await c.listen();
    const silent = await idle(url);
    const half = await idle(url, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    sockets.push(silent.socket, half.socket);
    for (const { closed } of [silent, half]) {
      const ms = await Promise.race([closed, new Promise<number>((resolve) => setTimeout(() => resolve(-1), 5000))]);
      assert.ok(ms >= 250 && ms < 2000, `closed after ${ms} ms`);
    }
  });

  it('closes at once with a connection open that never began its TLS handshake', async () => {
    const tls = { cert: readFileSync(new URL('cert.pem', TLS_DIR)), key: readFileSync(new URL('key.pem', TLS_DIR)) };
    const c = controller({ tls, helloTimeoutMs: 60_000 });
    const url = await c.listen();
    const stuck = await idle(url);
    sockets.push(stuck.socket);
    const t0 = performance.now();
    const closed = await Promise.race([
      c.close().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
    ]);
    if (!closed) controllers.push(c);
    assert.ok(closed, 'close() returned without waiting on the idle connection');
    assert.ok(performance.now() - t0 < 1000);
    await stuck.closed;
  });
});
