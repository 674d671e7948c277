import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startTargetProcess, type TargetProcess } from '@volley/target';
import { sleep, start, stopAll } from './volley.js';

// No process of a finished test, failed or not, outlives it.
afterEach(stopAll);

describe('Ctrl-C at a terminal', () => {
  let target: TargetProcess;
  before(async () => {
    target = await startTargetProcess({});
  });
  after(() => target.close());

  it('SIGINT to the process group of `run --agents 2`: every request the target served is in the result, no agent lost', async () => {
    const before = await target.stats();
    const run = start(['run', target.url, '--agents', '2', '-d', '30s', '-c', '4', '--format', 'json'], {
      group: true,
      timeoutMs: 30_000,
    });
    const pid = run.child.pid as number;
    try {
      for (let i = 0; i < 200 && (await target.stats()).requests === before.requests; i++) await sleep(50);
      await sleep(2000);
      // What a terminal does at Ctrl-C: the signal goes to every process of the foreground group.
      process.kill(-pid, 'SIGINT');
      const out = await run.exited;
      assert.equal(out.code, 1, out.stderr);
      const result = JSON.parse(out.stdout);
      const served = (await target.stats()).requests - before.requests;
      assert.equal(result.aborted, true);
      assert.deepEqual(result.agents.map((a: { name: string; lost: boolean }) => [a.name, a.lost]).sort(), [
        ['local-1', false],
        ['local-2', false],
      ]);
      // Nothing lost: every response the target sent is counted, and the only requests beyond them are the ones
      // in flight at the abort (at most one per connection), counted as aborted, whether the target saw them or not.
      const { total, ok, byError } = result.requests;
      const aborted = byError.aborted ?? 0;
      assert.equal(total, ok + aborted, JSON.stringify(result.requests));
      assert.ok(aborted <= 4, `at most one request in flight per connection: ${aborted}`);
      assert.ok(ok <= served && served <= total, `ok ${ok} <= served ${served} <= total ${total}`);
    } finally {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    }
  });
});
