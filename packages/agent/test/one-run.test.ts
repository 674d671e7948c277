import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTarget, type Target } from '@volley/target';
import { pino } from 'pino';
import { Agent } from '../src/index.js';
import { fakeController } from './fake-controller.js';

const logger = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an agent runs one run at a time, and what it holds ends with its session', { timeout: 20_000 }, () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(() => target.close());

  /** Waits until the target's open connections are `n` (its own accept runs a moment after our connect). */
  async function openAtTarget(n: number): Promise<number> {
    for (let i = 0; i < 200 && target.stats().open !== n; i++) await sleep(10);
    return target.stats().open;
  }

  it('refuses a second Start, and a Plan and Start during the run: Abort then stops all it fires', async () => {
    const controller = await fakeController();
    const before = target.stats().requests;
    try {
      const agent = new Agent({ url: controller.url, name: 'a', logger });
      const session = agent.serve();
      await controller.next('hello');
      controller.plan('r1', { url: target.url, durationMs: 60_000, connections: 2 });
      await controller.next('ready');
      controller.send('start', { runId: 'r1', delayMs: 0 });
      controller.send('start', { runId: 'r1', delayMs: 0 });
      await sleep(300);
      controller.plan('r2', { url: target.url, durationMs: 60_000, connections: 2 });
      controller.send('start', { runId: 'r2', delayMs: 0 });
      await sleep(500);
      controller.send('abort', { reason: 'test' });
      const finished = await controller.next('finished');
      assert.equal(finished.body.runId, 'r1');
      await sleep(200);
      const served = target.stats().requests - before;
      // In flight at the abort: at most one request per connection reached the target or not.
      assert.ok(served <= finished.body.requests && finished.body.requests - served <= 2, `${served} served`);
      assert.deepEqual(
        controller.received.filter((m) => m.kind === 'ready' || m.kind === 'finished').map((m) => m.kind),
        ['ready', 'finished'],
        'one run prepared, one finished',
      );
      await controller.close();
      await session;
      await sleep(300);
      assert.equal(target.stats().requests - before, served, 'nothing more after the controller closed');
    } finally {
      await controller.close();
    }
  });

  it('a Plan alone opens no more than its connections, however many Plans arrive', async () => {
    const controller = await fakeController();
    const before = target.stats();
    try {
      const agent = new Agent({ url: controller.url, name: 'a', logger });
      const session = agent.serve();
      await controller.next('hello');
      for (const runId of ['r1', 'r2', 'r3'])
        controller.plan(runId, { url: target.url, durationMs: 60_000, connections: 3 });
      await controller.next('ready');
      await sleep(300);
      assert.equal(await openAtTarget(before.open + 3), before.open + 3);
      assert.equal(target.stats().connections - before.connections, 3);
      assert.equal(target.stats().requests, before.requests, 'nothing sent without a Start');
      agent.stop();
      await session;
    } finally {
      await controller.close();
    }
  });

  it('closes the connections of a plan that never started when the controller dies before the Start', async () => {
    const controller = await fakeController();
    const before = target.stats();
    try {
      const agent = new Agent({ url: controller.url, name: 'a', logger });
      const served = agent.serveForever(true);
      await controller.next('hello');
      controller.plan('r1', { url: target.url, durationMs: 60_000, connections: 3 });
      await controller.next('ready');
      assert.equal(await openAtTarget(before.open + 3), before.open + 3, 'the plan opened its connections');
      controller.kill();
      await served; // --once: the session is over
      assert.equal(await openAtTarget(before.open), before.open, 'and closed them');
      assert.equal(target.stats().requests, before.requests);
    } finally {
      await controller.close();
    }
  });

  it('closes the connections of a plan that never started when it is stopped (SIGINT, SIGTERM)', async () => {
    const controller = await fakeController();
    const before = target.stats();
    try {
      const agent = new Agent({ url: controller.url, name: 'a', logger });
      const served = agent.serveForever();
      await controller.next('hello');
      controller.plan('r1', { url: target.url, durationMs: 60_000, connections: 3 });
      await controller.next('ready');
      assert.equal(await openAtTarget(before.open + 3), before.open + 3);
      agent.stop();
      await served;
      assert.equal(await openAtTarget(before.open), before.open);
    } finally {
      await controller.close();
    }
  });
});
