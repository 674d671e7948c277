import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSecureServer } from 'node:http2';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type IntervalData, sumCounts } from '@volley/metrics';
import { PlanError, type PlanInput, resolvePlan } from '@volley/plan';
import { startRun } from '../src/index.js';

const TLS = new URL('../../../test/fixtures/tls/', import.meta.url);

async function run(input: PlanInput) {
  const intervals: IntervalData[] = [];
  await startRun(resolvePlan(input), (i) => intervals.push(i)).done;
  const byStatus: Record<string, number> = {};
  const byError: Record<string, number> = {};
  for (const i of intervals) {
    for (const [k, n] of Object.entries(i.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + n;
    for (const [k, n] of Object.entries(i.byError)) byError[k] = (byError[k] ?? 0) + n;
  }
  return { byStatus, byError, responses: sumCounts(byStatus) };
}

describe('HTTP/1.1 pipelining', () => {
  // A raw TCP server that answers each request 10 ms after it arrived, in order, and notes how many requests a
  // socket had received and not yet answered: above 1 only if the client pipelines. (Node's http server would
  // hide this: it hands pipelined requests to its handler one at a time.)
  let url: string;
  let sockets = 0;
  let maxOutstanding = 0;
  const RESPONSE = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nkeep-alive: timeout=10\r\n\r\nok';
  const server = createNetServer((socket) => {
    sockets++;
    let outstanding = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end = buffered.indexOf('\r\n\r\n');
      while (end >= 0) {
        buffered = buffered.slice(end + 4);
        outstanding++;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        setTimeout(() => {
          outstanding--;
          socket.write(RESPONSE);
        }, 10);
        end = buffered.indexOf('\r\n\r\n');
      }
    });
    socket.on('error', () => {});
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server.close());

  it('-p 4 on 2 connections keeps 4 requests on the wire on each of 2 sockets', async () => {
    const r = await run({ url, connections: 2, pipelining: 4, requests: 400 });
    assert.deepEqual(r.byStatus, { '200': 400 });
    assert.equal(sockets, 2, 'two sockets, each carrying four requests at a time');
    assert.equal(maxOutstanding, 4, 'four requests on the wire per socket, never more');
  });

  it('refuses pipelining with per-request connections', () => {
    assert.throws(
      () => resolvePlan({ url, client: 'per-request', pipelining: 2 }),
      (err: unknown) => err instanceof PlanError && /pipelining needs pooled/.test(err.message),
    );
  });
});

describe('HTTP/2 against a real node:http2 TLS server', () => {
  let url: string;
  const versions: Record<string, number> = {};
  let sessions = 0;
  const server = createSecureServer(
    {
      key: readFileSync(new URL('key.pem', TLS)),
      cert: readFileSync(new URL('cert.pem', TLS)),
      allowHTTP1: true,
    },
    (req, res) => {
      versions[req.httpVersion] = (versions[req.httpVersion] ?? 0) + 1;
      res.end('ok');
    },
  );
  server.on('session', () => sessions++);
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => server.close());

  it('reaches the server over HTTP/2 with --http2, many streams on few connections', async () => {
    for (const k of Object.keys(versions)) delete versions[k];
    const r = await run({ url, http2: true, insecure: true, connections: 2, pipelining: 8, requests: 600 });
    assert.deepEqual(r.byStatus, { '200': 600 });
    assert.deepEqual(versions, { '2.0': 600 }, 'every request arrived as HTTP/2');
    assert.ok(sessions >= 1 && sessions <= 2, `${sessions} HTTP/2 sessions`);
  });

  it('without --http2 the same server is reached over HTTP/1.1', async () => {
    for (const k of Object.keys(versions)) delete versions[k];
    const r = await run({ url, insecure: true, connections: 2, requests: 50 });
    assert.deepEqual(r.byStatus, { '200': 50 });
    assert.deepEqual(versions, { '1.1': 50 });
  });

  it('a self-signed certificate without --insecure fails every request as a TLS error', async () => {
    const r = await run({ url, http2: true, connections: 2, requests: 10 });
    assert.equal(r.responses, 0);
    assert.deepEqual(r.byError, { TLS: 10 });
  });

  it('refuses HTTP/2 on an http:// URL', () => {
    assert.throws(() => resolvePlan({ url: 'http://127.0.0.1:1/', http2: true }), /HTTP\/2 needs an https:\/\/ URL/);
  });
});
