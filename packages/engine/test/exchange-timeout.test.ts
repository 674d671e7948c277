import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { resolvePlan } from '@volley/plan';
import { startRun } from '../src/index.js';

describe('the timeout bounds the whole exchange, real network', () => {
  // Answers at once, then trickles its body a byte every 200 ms for ever: undici's bodyTimeout (the longest gap
  // between two chunks) never fires.
  const trickling = new Set<ServerResponse>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': '1000000' });
    trickling.add(res);
    const timer = setInterval(() => res.write('x'), 200);
    res.on('close', () => {
      clearInterval(timer);
      trickling.delete(res);
    });
  });
  let url: string;
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('ends a trickled response as a timeout, and a 2 s run with a 1 s timeout on time', async () => {
    const plan = resolvePlan({ url, durationMs: 2000, timeoutMs: 1000, connections: 2 });
    const byError = new Map<string, number>();
    let responses = 0;
    const startedAt = performance.now();
    const stats = await startRun(plan, (i) => {
      for (const [k, n] of Object.entries(i.byError)) byError.set(k, (byError.get(k) ?? 0) + n);
      for (const n of Object.values(i.byStatus)) responses += n;
    }).done;
    const tookMs = performance.now() - startedAt;
    assert.ok(tookMs < 3600, `took ${Math.round(tookMs)} ms`);
    assert.equal(responses, 0, 'no trickled response is counted as a 200');
    assert.ok((byError.get('timeout') ?? 0) >= 4, `errors: ${JSON.stringify([...byError])}`);
    assert.deepEqual([...byError.keys()], ['timeout']);
    assert.equal(stats.requests, byError.get('timeout'));
  });
});
