import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decode } from '@volley/protocol';
import { type Logger, pino } from 'pino';
import { WebSocketServer } from 'ws';
import { Agent, ControllerMismatchError } from '../src/index.js';
import { closeReason } from '../src/link.js';

const fixture = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../test/fixtures/tls/${name}`, import.meta.url)));
const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logger whose lines the test reads. */
function captured(): { lines: Array<{ level: number; msg: string; err?: string }>; logger: Logger } {
  const lines: Array<{ level: number; msg: string; err?: string }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: pino({ level: 'info' }, sink) };
}

/** A WebSocket server over plain HTTP or over TLS, on a loopback port. */
async function listen(server: Server): Promise<number> {
  new WebSocketServer({ server });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('an agent given the wrong scheme for its controller', { timeout: 20_000 }, () => {
  const tls = createHttpsServer({ cert: fixture('cert.pem'), key: fixture('key.pem') });
  const plain = createHttpServer();
  let tlsPort: number;
  let plainPort: number;
  before(async () => {
    tlsPort = await listen(tls);
    plainPort = await listen(plain);
  });
  after(() => {
    tls.close();
    plain.close();
  });

  it('ws:// to a wss:// controller: fails at once with --once, naming wss://', async () => {
    const agent = new Agent({ url: `ws://127.0.0.1:${tlsPort}`, logger: silent });
    await assert.rejects(agent.serveForever(true), (err: Error) => {
      assert.ok(err instanceof ControllerMismatchError);
      assert.equal(err.message, `ws://127.0.0.1:${tlsPort} speaks TLS: connect to wss://127.0.0.1:${tlsPort}`);
      return true;
    });
  });

  it('wss:// to a ws:// controller: fails at once with --once, naming ws://', async () => {
    const agent = new Agent({ url: `wss://127.0.0.1:${plainPort}`, logger: silent, ca: fixture('cert.pem') });
    await assert.rejects(agent.serveForever(true), (err: Error) => {
      assert.ok(err instanceof ControllerMismatchError);
      assert.equal(
        err.message,
        `wss://127.0.0.1:${plainPort} does not speak TLS: connect to ws://127.0.0.1:${plainPort}`,
      );
      return true;
    });
  });

  it('without --once it keeps trying, and says why at error level every time', async () => {
    const { lines, logger } = captured();
    const agent = new Agent({ url: `ws://127.0.0.1:${tlsPort}`, logger });
    const served = agent.serveForever();
    for (let i = 0; i < 200 && lines.filter((l) => l.level >= 50).length < 2; i++) await sleep(10);
    agent.stop();
    await served;
    const errors = lines.filter((l) => l.level >= 50);
    assert.ok(errors.length >= 2, 'retried, and said so each time');
    assert.match(errors[0]?.err ?? '', /speaks TLS: connect to wss:\/\//);
  });

  it('a server that hangs up without a word is not taken for TLS: the agent retries, quietly', async () => {
    const rude = createNetServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => rude.listen(0, '127.0.0.1', resolve));
    const { lines, logger } = captured();
    const agent = new Agent({ url: `ws://127.0.0.1:${(rude.address() as AddressInfo).port}`, logger });
    const served = agent.serveForever(true);
    for (let i = 0; i < 200 && lines.filter((l) => /retrying/.test(l.msg)).length < 2; i++) await sleep(10);
    agent.stop();
    await served;
    rude.close();
    assert.ok(lines.filter((l) => /retrying/.test(l.msg)).length >= 2, 'it retried');
    assert.deepEqual(
      lines.filter((l) => l.level >= 50),
      [],
    );
  });
});

describe('closeReason', () => {
  it('fits a close frame (123 bytes), whole characters, however long the text (a hostile plan names a 16 MiB regex)', () => {
    const huge = `invalid plan: ${'é'.repeat(8 << 20)}`;
    const reason = closeReason(huge);
    assert.ok(Buffer.byteLength(reason) <= 123);
    assert.ok(huge.startsWith(reason) && reason.length > 60);
    assert.equal(closeReason('short'), 'short');
  });
});

describe("an agent's frames", () => {
  it('carry a zero masking key, so that neither end spends a byte loop on them; the Hello reads as sent', async () => {
    // A bare TCP server that answers the upgrade itself and keeps the agent's bytes after it.
    let frames = Buffer.alloc(0);
    let upgraded = false;
    let peer: Socket | undefined;
    const raw = createNetServer((socket) => {
      peer = socket;
      socket.on('data', (chunk: Buffer) => {
        frames = Buffer.concat([frames, chunk]);
        const end = frames.indexOf('\r\n\r\n');
        if (upgraded || end < 0) return;
        upgraded = true;
        const key = /sec-websocket-key: (\S+)/i.exec(frames.subarray(0, end).toString())?.[1] ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\nsec-websocket-accept: ${accept}\r\n\r\n`,
        );
        frames = frames.subarray(end + 4);
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    const agent = new Agent({ url: `ws://127.0.0.1:${(raw.address() as AddressInfo).port}`, logger: silent });
    const served = agent.serveForever(true).catch(() => {});
    // A frame of under 64 KiB: 2 or 4 bytes of header, the 4-byte key, the payload.
    const whole = () => {
      if (frames.length < 2) return false;
      const short = (frames[1] as number) & 0x7f;
      const at = short === 126 ? 4 : 2;
      return frames.length >= at + 4 + (short === 126 ? frames.readUInt16BE(2) : short);
    };
    for (let i = 0; i < 500 && !(upgraded && whole()); i++) await sleep(10);
    peer?.destroy();
    agent.stop();
    await served;
    raw.close();
    assert.ok(whole(), 'the agent sent a frame');
    assert.equal(frames[0], 0x82, 'one binary frame, whole');
    assert.equal((frames[1] as number) & 0x80, 0x80, 'masked, as a client frame must be');
    const short = (frames[1] as number) & 0x7f;
    const at = short === 126 ? 4 : 2;
    assert.deepEqual([...frames.subarray(at, at + 4)], [0, 0, 0, 0]);
    const length = short === 126 ? frames.readUInt16BE(2) : short;
    const hello = decode(frames.subarray(at + 4, at + 4 + length));
    assert.equal(hello.kind, 'hello');
  });
});
