import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildResult, Recorder, RunAggregate } from '@volley/metrics';
import { describePlan, resolvePlan } from '@volley/plan';
import { runSession } from '../src/session.js';

/** A result of 3 responses, as a controller would return it. */
function resultOf3() {
  const aggregate = new RunAggregate();
  aggregate.join({ id: 'a', name: 'a', host: 'h' });
  const rec = new Recorder();
  for (let i = 0; i < 3; i++) rec.recordResponse(200, 1000, 1, 1);
  aggregate.add('a', rec.snapshot(0, 0, 1000));
  return buildResult(aggregate.merge(), {
    toolVersion: 'test',
    plan: { ...describePlan(resolvePlan({ url: 'http://127.0.0.1:9/' })) },
    startedAt: 0,
    endedAt: 1000,
    measuredMs: 1000,
    aborted: false,
    targetRate: null,
    weights: new Map(),
  });
}

describe('the run session', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'volley-session-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes the report before closing the run, so a close that hangs cannot hold it up', async () => {
    const output = join(dir, 'result.json');
    let closing = false;
    const options = {
      plan: resolvePlan({ url: 'http://127.0.0.1:9/' }),
      thresholds: [],
      quiet: true,
      format: undefined,
      output,
      metricsPort: undefined,
      metricsLingerMs: 0,
    };
    const session = runSession(options, async () => ({
      result: Promise.resolve(resultOf3()),
      abort: () => {},
      // A close that never ends: a socket it waits on, a peer that never answers.
      close: () => {
        closing = true;
        return new Promise<void>(() => {});
      },
    }));
    const deadline = performance.now() + 5000;
    while (!closing && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(closing, 'the session went on to close the run');
    const doc = JSON.parse(await readFile(output, 'utf8'));
    assert.equal(doc.requests.total, 3, 'the report was written before the close was awaited');
    assert.equal(process.exitCode, 0);
    process.exitCode = undefined;
    void session;
  });
});
