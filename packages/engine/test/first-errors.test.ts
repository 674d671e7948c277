import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolvePlan } from '@volley/plan';
import { freePort } from '@volley/target';
import { firstErrorMessage, prepare } from '../src/index.js';

// Its own file: nothing else in this process may classify an error on the main thread first.
describe('first error messages across engine threads', () => {
  it('reach the merging thread beside the intervals, so the agent can log them as a one-thread run does', async () => {
    assert.equal(firstErrorMessage('ECONNREFUSED'), undefined);
    // A port nothing listens on: every request of both threads is refused.
    const port = await freePort();
    const plan = resolvePlan({ url: `http://127.0.0.1:${port}/`, connections: 2, requests: 4, timeoutMs: 2000 });
    const kinds = new Set<string>();
    const run = prepare(
      plan,
      (i) => {
        for (const k of Object.keys(i.byError)) kinds.add(k);
      },
      { workers: 2 },
    );
    await run.ready;
    await run.start().done;
    assert.deepEqual([...kinds], ['ECONNREFUSED']);
    assert.match(firstErrorMessage('ECONNREFUSED') ?? '', /ECONNREFUSED|connect/);
  });
});
