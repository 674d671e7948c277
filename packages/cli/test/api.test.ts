import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTarget, type Target } from '@volley/target';
import { isVolleyError, run, runAgent, runController } from '../src/api/index.js';

/** Rejects with a Volley error whose code is `code`, before any request reaches the target. */
async function rejectsWith(promise: Promise<unknown>, code: string, target: Target): Promise<void> {
  const before = target.stats().requests;
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(isVolleyError(err), `a typed error, got ${String(err)}`);
    assert.equal(err.code, code);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return true;
  });
  assert.equal(target.stats().requests, before, 'nothing was sent');
}

describe('the programmatic API', () => {
  let target: Target;
  before(async () => {
    target = await startTarget({});
  });
  after(() => target.close());

  it('run() resolves to the Result, counting what the target counted, with thresholds judged', async () => {
    const before = target.stats().requests;
    const intervals: number[] = [];
    const result = await run({
      url: target.url,
      connections: 2,
      requests: 300,
      headers: { 'x-test': 'api' },
      thresholds: ['error_rate<0.01'],
      onInterval: (interval) => intervals.push(interval.requests),
    });
    assert.equal(result.requests.total, 300);
    assert.equal(result.requests.ok, 300);
    assert.equal(target.stats().requests - before, 300);
    assert.deepEqual(
      result.thresholds.map((t) => [t.expr, t.pass]),
      [['error_rate<0.01', true]],
    );
    assert.equal(
      intervals.reduce((a, b) => a + b, 0),
      300,
      'the intervals add up to the run',
    );
  });

  it('run() stops on its AbortSignal and still resolves with what it measured', async () => {
    const controller = new AbortController();
    // Stopped once it has measured something: at its first interval.
    const onInterval = (): void => controller.abort();
    const result = await run({
      url: target.url,
      connections: 2,
      duration: '60s',
      signal: controller.signal,
      onInterval,
    });
    assert.equal(result.aborted, true);
    assert.ok(result.requests.total > 0);
  });

  it('rejects bad options with stable codes, before sending anything', async () => {
    await rejectsWith(run({ url: 'ftp://127.0.0.1/' }), 'INVALID_URL', target);
    await rejectsWith(run({ url: target.url, duration: 1000, requests: 10 }), 'CONFLICTING_LIMITS', target);
    await rejectsWith(run({ url: target.url, workers: 0 }), 'INVALID_NUMBER', target);
    await rejectsWith(run({ url: target.url, agents: 99, connections: 2 }), 'INVALID_NUMBER', target);
    await rejectsWith(run({ url: target.url, duration: 'soon' }), 'INVALID_NUMBER', target);
    await rejectsWith(run({ url: target.url, thresholds: ['p99 is fast'] }), 'INVALID_THRESHOLD', target);
    await rejectsWith(run({}), 'USAGE', target);
    await rejectsWith(runController({ url: target.url, agents: 1, host: '0.0.0.0' }), 'USAGE', target);
  });

  it('runController() and two runAgent() run a distributed test through the real protocol', async () => {
    const before = target.stats().requests;
    const controller = await runController({ url: target.url, agents: 2, connections: 4, requests: 800, token: 't' });
    assert.match(controller.url, /^ws:\/\/127\.0\.0\.1:\d+$/);
    const agents = ['a', 'b'].map((name) => runAgent({ connect: controller.url, token: 't', name }));
    const result = await controller.result;
    await Promise.all(agents.map((a) => a.done));
    assert.equal(result.requests.total, 800);
    assert.deepEqual(result.agents.map((a) => a.name).sort(), ['a', 'b']);
    assert.equal(target.stats().requests - before, 800);
  });

  it('an agent with the wrong token is refused with a typed error', async () => {
    const controller = await runController({ url: target.url, agents: 1, requests: 10, token: 'right' });
    const agent = runAgent({ connect: controller.url, token: 'wrong' });
    await assert.rejects(agent.done, (err: unknown) => isVolleyError(err) && err.code === 'AGENT_REJECTED');
    controller.abort('test over');
    await controller.result.catch(() => {});
  });
});
