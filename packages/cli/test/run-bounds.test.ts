import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { volley } from './bin.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('volley run: what a run measures, against hostile and idle targets', () => {
  // Sends its headers at once, then a byte every 500 ms of a body that never ends.
  const trickling = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000000' });
    const timer = setInterval(() => res.write('x'), 500);
    res.on('close', () => clearInterval(timer));
  });
  // Answers every request with something that is not HTTP.
  const garbage = createTcpServer((socket) => socket.on('data', () => socket.end('SSH-2.0-OpenSSH_9.6\r\n')));
  const idle = createServer((_req, res) => res.end('ok'));
  let urls: { trickling: string; garbage: string; idle: string };
  before(async () => {
    urls = { trickling: await listen(trickling), garbage: await listen(garbage), idle: await listen(idle) };
  });
  after(async () => {
    trickling.closeAllConnections();
    for (const server of [trickling, garbage, idle]) await new Promise((resolve) => server.close(resolve));
  });

  it('--timeout bounds the whole response: a trickled body is a timeout, and -d 2s ends on time', async () => {
    const startedAt = performance.now();
    const out = await volley('run', urls.trickling, '-d', '2s', '--timeout', '1s', '-c', '2', '--format', 'json');
    const tookMs = performance.now() - startedAt;
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.deepEqual(doc.requests.byStatus, {}, 'no trickled response counted as a 200');
    assert.ok(doc.requests.byError.timeout >= 4, JSON.stringify(doc.requests));
    assert.ok(tookMs < 6000, `took ${Math.round(tookMs)} ms`);
  });

  it('counts a response that is not HTTP as a protocol error', async () => {
    const out = await volley('run', urls.garbage, '-n', '10', '-c', '1', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout).requests.byError, { protocol: 10 });
  });

  it('gives the open model an achieved rate over the run asked for: -R 0.5 -d 2s is 0.5 req/s', async () => {
    const out = await volley('run', urls.idle, '-R', '0.5', '-d', '2s', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    const doc = JSON.parse(out.stdout);
    assert.equal(doc.requests.total, 1);
    assert.ok(doc.durationMs >= 2000, `durationMs ${doc.durationMs}`);
    assert.ok(doc.throughput.achieved <= 0.5, `achieved ${doc.throughput.achieved}`);
  });
});
