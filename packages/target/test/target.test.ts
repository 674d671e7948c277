import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { request } from 'undici';
import { startTarget, startTargetProcess, type Target, TargetError } from '../src/index.js';

describe('target', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0, status: 201, bodySize: 5 });
  });
  after(() => target.close());

  it('answers with the configured status and body size, and counts requests and connections', async () => {
    const before = target.stats();
    const res = await request(target.url);
    assert.equal(res.statusCode, 201);
    assert.equal((await res.body.text()).length, 5);
    const after = target.stats();
    assert.equal(after.requests - before.requests, 1);
    assert.ok(after.connections >= before.connections);
  });

  it('lets the query override status, size and delay per request', async () => {
    const res = await request(`${target.url}?status=503&size=1000`);
    assert.equal(res.statusCode, 503);
    assert.equal((await res.body.arrayBuffer()).byteLength, 1000);
    const t0 = performance.now();
    await (await request(`${target.url}?delay=120`)).body.dump();
    assert.ok(performance.now() - t0 >= 110, 'delay is a lower bound');
  });

  it('drops the connection for ?reset=1', async () => {
    await assert.rejects(request(`${target.url}?reset=1`), (err: Error & { code?: string }) => {
      return err.code === 'UND_ERR_SOCKET' || err.code === 'ECONNRESET';
    });
  });

  it('refuses bad options with a one-line TargetError', async () => {
    await assert.rejects(startTarget({ status: 42 }), TargetError);
    await assert.rejects(startTarget({ bodySize: -1 }), TargetError);
    await assert.rejects(startTarget({ latencyMs: 10, latencyMaxMs: 5 }), TargetError);
    await assert.rejects(
      startTarget({ port: target.port }),
      /cannot listen on 127\.0\.0\.1:\d+: address already in use/,
    );
  });

  it('runs in a child process and reports its counts over IPC', async () => {
    const child = await startTargetProcess({ bodySize: 3 });
    try {
      for (let i = 0; i < 3; i++) await (await request(child.url)).body.dump();
      const stats = await child.stats();
      assert.equal(stats.requests, 3);
    } finally {
      await child.close();
    }
    await assert.rejects(request(child.url), /ECONNREFUSED/);
  });
});
