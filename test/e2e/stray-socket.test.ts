import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { freePort, start, stopAll, waitForLine } from './volley.js';

// No process of a finished test, failed or not, outlives it; nor does a socket.
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await stopAll();
});

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/tls/${name}`, import.meta.url));
const env = { VOLLEY_TOKEN: 'stray-secret' };

/** A TCP connection to the controller that sends `bytes` (maybe nothing), needs no token, and then waits. */
async function stray(port: number, bytes = ''): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  sockets.push(socket);
  await new Promise((resolve) => socket.once('connect', resolve));
  if (bytes) socket.write(bytes);
}

describe('a stray connection to the controller costs no report', () => {
  let target: TargetProcess;
  let dir: string;
  before(async () => {
    target = await startTargetProcess({});
    dir = await mkdtemp(join(tmpdir(), 'volley-stray-'));
  });
  after(async () => {
    await target.close();
    await rm(dir, { recursive: true, force: true });
  });

  const cases: Array<{ name: string; scheme: string; tls: string[]; agent: string[] }> = [
    { name: 'ws://', scheme: 'ws', tls: [], agent: [] },
    {
      // Behind TLS a connection that never begins its handshake once held the close, and the report, 2 minutes.
      name: 'wss://',
      scheme: 'wss',
      tls: ['--tls-cert', fixture('cert.pem'), '--tls-key', fixture('key.pem')],
      agent: ['--ca', fixture('cert.pem')],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: idle and half-sent connections open, the report is printed and -o written at once`, async () => {
      const port = await freePort();
      const file = join(dir, `${c.scheme}.json`);
      const listen = ['--listen', `127.0.0.1:${port}`];
      const ctl = start(['controller', target.url, ...listen, '-n', '2000', '-o', file, ...c.tls], {
        env,
        timeoutMs: 60_000,
      });
      await waitForLine(ctl, /listening on/);
      await stray(port);
      await stray(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
      const t0 = performance.now();
      const agent = start(['agent', '--connect', `${c.scheme}://127.0.0.1:${port}`, '--once', ...c.agent], { env });
      const out = await ctl.exited;
      const tookMs = performance.now() - t0;
      await agent.exited;
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /2,000 total\s+2,000 ok/);
      assert.ok(tookMs < 15_000, `the run and its report took ${Math.round(tookMs)} ms`);
      const doc = JSON.parse(await readFile(file, 'utf8'));
      assert.equal(doc.requests.total, 2000);
    });
  }
});
