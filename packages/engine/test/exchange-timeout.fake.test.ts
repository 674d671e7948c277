import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerAfter } from './fake-network.js';
import { finish, startFakeRun } from './fake-run.js';

const stall = () => ({ stall: true }) as const;

describe('the timeout bounds the whole exchange, fake clock', () => {
  it('closed model: requests that never end are timeouts after 1 s, and a 2 s run ends at 2 s', async () => {
    const run = startFakeRun({ connections: 2, durationMs: 2000, timeoutMs: 1000 }, stall);
    const t = await finish(run);
    // Sent at 0 and aborted by the sweep at 1000 (the sweep runs every 250 ms); sent again at 1000, aborted at 2000.
    assert.deepEqual(
      run.net.sent.map((s) => [s.at, s.endedAt]),
      [
        [0, 1000],
        [0, 1000],
        [1000, 2000],
        [1000, 2000],
      ],
    );
    assert.deepEqual(t.byError, { timeout: 4 });
    assert.equal(t.responses, 0);
    assert.equal(t.stats.durationMs, 2000);
  });

  it('open model: each stalled send ends as a timeout within a quarter of the timeout after it', async () => {
    const run = startFakeRun({ rate: 10, durationMs: 1000, timeoutMs: 400, connections: 10 }, stall);
    const t = await finish(run);
    assert.equal(run.net.sent.length, 10);
    for (const s of run.net.sent) {
      const held = (s.endedAt as number) - s.at;
      assert.ok(held >= 400 && held <= 500, `sent at ${s.at}, ended at ${s.endedAt}`);
    }
    assert.deepEqual(t.byError, { timeout: 10 });
    assert.ok(t.stats.durationMs <= 900 + 500, `ended at ${t.stats.durationMs}`);
  });

  it('leaves alone an answer that comes before the timeout', async () => {
    const run = startFakeRun({ connections: 2, durationMs: 3000, timeoutMs: 1000 }, answerAfter(990));
    const t = await finish(run);
    assert.equal(t.errors, 0);
    assert.equal(t.responses, run.net.sent.length);
  });
});
