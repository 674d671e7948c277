import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type IntervalData, sumCounts } from '@volley/metrics';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { freePort, startTarget, type Target } from '@volley/target';
import { prepare } from '../src/index.js';

function counted(intervals: IntervalData[]) {
  let ok = 0;
  let errors = 0;
  for (const i of intervals) {
    ok += sumCounts(i.byStatus);
    errors += sumCounts(i.byError);
  }
  return { ok, errors };
}

/** Waits until `check` holds (socket events land a turn or two after the client side is done). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
}

describe('a prepared run', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({});
  });
  after(() => target.close());

  for (const [model, input] of [
    ['closed', { requests: 200 }],
    ['open', { rate: 400, durationMs: 500 }],
  ] as const) {
    it(`${model} model: opens its connections before the start, sends nothing, then uses exactly those`, async () => {
      const before = target.stats();
      const intervals: IntervalData[] = [];
      const prepared = prepare(resolvePlan({ url: target.url, connections: 6, ...input } as PlanInput), (i) =>
        intervals.push(i),
      );
      await prepared.ready;
      await until(() => target.stats().connections - before.connections === 6, 'six connections open');
      assert.equal(target.stats().requests, before.requests, 'the warm-up sent nothing to the target');
      assert.equal(intervals.length, 0);

      const stats = await prepared.start().done;
      const after = target.stats();
      const { ok, errors } = counted(intervals);
      assert.equal(errors, 0);
      assert.equal(ok, after.requests - before.requests, 'every request the target saw was measured');
      assert.equal(stats.requests, ok);
      assert.ok(ok >= 150, `sent ${ok}`);
      assert.equal(after.connections - before.connections, 6, 'no socket beyond the six opened ahead');
    });
  }

  it('discarded: closes what it opened, sends nothing', async () => {
    await until(() => target.stats().open === 0, 'earlier runs closed their connections');
    const before = target.stats();
    const prepared = prepare(resolvePlan({ url: target.url, connections: 5, requests: 10 }), () => {});
    await prepared.ready;
    await until(() => target.stats().open - before.open === 5, 'five connections open');
    prepared.discard();
    await until(() => target.stats().open === before.open, 'the five closed');
    assert.equal(target.stats().requests, before.requests);
  });

  it('against a port nothing listens on: ready anyway, and the run counts the refusals', async () => {
    const port = await freePort();
    const intervals: IntervalData[] = [];
    const prepared = prepare(resolvePlan({ url: `http://127.0.0.1:${port}/`, connections: 2, requests: 6 }), (i) =>
      intervals.push(i),
    );
    await prepared.ready;
    await prepared.start().done;
    const byError: Record<string, number> = {};
    for (const i of intervals) for (const [k, n] of Object.entries(i.byError)) byError[k] = (byError[k] ?? 0) + n;
    assert.deepEqual(byError, { ECONNREFUSED: 6 });
  });
});

describe('a prepared run whose sockets the server closed before the start', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let connections = 0;
  let requests = 0;
  before(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      res.end('ok');
    });
    server.on('connection', (socket) => {
      connections++;
      sockets.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('opens fresh ones in their place: no errors, the same number of sockets in use', async () => {
    const { port } = server.address() as { port: number };
    const intervals: IntervalData[] = [];
    const prepared = prepare(resolvePlan({ url: `http://127.0.0.1:${port}/`, connections: 3, requests: 30 }), (i) =>
      intervals.push(i),
    );
    await prepared.ready;
    await until(() => connections === 3, 'three connections open');
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise((r) => setTimeout(r, 50));
    await prepared.start().done;
    const { ok, errors } = counted(intervals);
    assert.equal(errors, 0);
    assert.equal(ok, 30);
    assert.equal(requests, 30);
    assert.equal(connections, 6, 'three closed ahead of the start, three fresh ones in their place');
  });
});
