import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHistogram } from '@volley/metrics';
import type { Flow, FlowStep } from '@volley/plan';
import { answerAfter } from './fake-network.js';
import { finish, startFakeRun, totalsOf } from './fake-run.js';

const step = (name: string, think: FlowStep['think']): FlowStep => ({
  name,
  method: 'GET',
  origin: 'http://fake.test',
  path: `/${name}`,
  headers: [],
  body: null,
  checks: [],
  captures: [],
  think,
  weight: 1,
});

const flow = (steps: FlowStep[]): Flow => ({
  pick: 'sequence',
  steps,
  data: [],
  cookies: true,
  seqStart: 0,
  seqStride: 1,
  vuStart: 1,
});

describe('flow timing on virtual time', () => {
  it('pauses for think time between steps, and never counts it in a latency', async () => {
    // One user: a (10 ms) then 100 ms think, b (10 ms) then 200 ms think: an iteration is 320 ms.
    const run = startFakeRun(
      {
        connections: 1,
        requests: 5,
        flow: flow([step('a', { minMs: 100, maxMs: 100 }), step('b', { minMs: 200, maxMs: 200 })]),
      },
      answerAfter(10),
    );
    const totals = await finish(run);
    const times = run.net.sent.map((s) => [s.path, s.at]);
    assert.deepEqual(times.slice(0, 4), [
      ['/a', 0],
      ['/b', 110],
      ['/a', 320],
      ['/b', 430],
    ]);
    assert.equal(totals.responses, 10);
    // Latencies are the 10 ms exchanges only.
    assert.ok(totals.latency.getValueAtPercentile(100) < 11_000, `max ${totals.latency.getValueAtPercentile(100)} µs`);
    const iterations = run.intervals.reduce((n, i) => n + (i.iterations ?? 0), 0);
    assert.equal(iterations, 5);
    const durations = decodeHistogram(run.intervals.at(-1)?.iterationHistogram ?? new Uint8Array(0));
    assert.ok(durations.totalCount > 0);
  });

  it('open model: an iteration held back by a busy user is measured from when it was due', async () => {
    // Two iterations per second due, one user, each iteration 700 ms: the second waits 200 ms and shows it.
    const run = startFakeRun(
      { model: 'open', rate: 2, connections: 1, durationMs: 1000, flow: flow([step('a', null)]) },
      answerAfter(700),
    );
    const totals = await finish(run);
    assert.deepEqual(
      run.net.sent.map((s) => s.at),
      [0, 700],
    );
    // The second was due at 500 ms and answered at 1400 ms: 900 ms from its intended start, 700 ms of service.
    assert.ok(Math.abs(totals.latency.getValueAtPercentile(100) / 1000 - 900) < 2, 'latency from the intended start');
    assert.equal(totals.late, 1);
  });

  it('ends at the deadline: a user thinking stops now, one in flight on its reply, no iteration counted twice', async () => {
    // Users 1-2 think 1 s after a 10 ms step; the deadline at 500 ms finds them thinking: the run ends there.
    const run = startFakeRun(
      { connections: 2, durationMs: 500, flow: flow([step('a', { minMs: 1000, maxMs: 1000 }), step('b', null)]) },
      answerAfter(10),
    );
    const totals = await finish(run);
    assert.equal(totals.stats.durationMs, 500);
    assert.equal(totals.responses, 2);
    // Two begun, none completed: cut short by the deadline, so not counted as iterations.
    assert.equal(
      run.intervals.reduce((n, i) => n + (i.iterationsStarted ?? 0), 0),
      2,
    );
    assert.equal(
      run.intervals.reduce((n, i) => n + (i.iterations ?? 0), 0),
      0,
    );
  });

  it('abort ends requests in flight as aborted and pausing users at once; the last interval is still emitted', async () => {
    let n = 0;
    const run = startFakeRun(
      { connections: 4, durationMs: 60_000, flow: flow([step('a', { minMs: 5000, maxMs: 5000 }), step('b', null)]) },
      // Users 1-2 are answered and pause; users 3-4 never are.
      () => (n++ < 2 ? { afterMs: 10 } : { stall: true }),
    );
    run.clock.advanceTo(300);
    run.handle.abort();
    run.clock.runAll();
    const stats = await run.handle.done;
    const t = totalsOf(stats, run.intervals);
    assert.equal(stats.aborted, true);
    assert.equal(stats.durationMs, 300);
    assert.deepEqual(t.byError, { aborted: 2 });
    assert.equal(t.responses, 2);
    assert.equal(run.net.inFlight, 0);
  });
});
