import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sumCounts } from '@volley/metrics';
import type { Stage } from '@volley/plan';
import { connectionsAt } from '../src/index.js';
import { answerAfter } from './fake-network.js';
import { assertSameHistogram, finish, histogramOf, startFakeRun, totalsOf } from './fake-run.js';

// The closed model on virtual time against a fake network: every figure below is exact, not within a tolerance.

describe('closed model, fake clock: a request count', () => {
  const cases = [
    // 100 over 3 loops of 10 ms requests: 34, 33 and 33, the longest loop done at 340 ms.
    { requests: 100, connections: 3, answerMs: 10, perConnection: [34, 33, 33], endsAt: 340 },
    { requests: 2, connections: 5, answerMs: 10, perConnection: [1, 1, 0, 0, 0], endsAt: 10 },
    { requests: 7, connections: 1, answerMs: 3, perConnection: [7], endsAt: 21 },
  ];
  for (const { requests, connections, answerMs, perConnection, endsAt } of cases) {
    it(`${requests} on ${connections} connections: exactly ${requests}, each loop sending as its last answer ends`, async () => {
      const run = startFakeRun({ requests, connections }, answerAfter(answerMs));
      const t = await finish(run);
      assert.equal(run.net.sent.length, requests);
      assert.equal(t.stats.requests, requests);
      assert.equal(t.responses, requests);
      assert.deepEqual(
        perConnection.map((_, c) => run.net.sent.filter((s) => s.connection === c).length),
        perConnection,
      );
      // Back to back: a loop's next request goes out at the moment its last answer arrives.
      for (const s of run.net.sent) assert.equal(s.at % answerMs, 0, `request ${s.n} went out at ${s.at} ms`);
      assert.equal(run.net.maxInFlight, Math.min(requests, connections));
      assertSameHistogram(t.latency, histogramOf(Array(requests).fill(answerMs)), 'latency');
      assert.equal(t.stats.durationMs, endsAt);
    });
  }
});

describe('closed model, fake clock: intervals', () => {
  it('closes each on its boundary, numbered in order; the last holds what ended after the deadline', async () => {
    // 4 loops of 7 ms requests for 1,200 ms in 300 ms intervals: answers at 7, 14, ... ms on each loop. The
    // request sent at 1,197 ms ends at 1,204 ms, in the last interval, which ends there.
    const run = startFakeRun({ connections: 4, durationMs: 1200, intervalMs: 300 }, answerAfter(7));
    const t = await finish(run);
    assert.deepEqual(
      run.intervals.map((i) => [i.seq, i.startMs, i.endMs, sumCounts(i.byStatus)]),
      [
        [0, 0, 300, 4 * 42],
        [1, 300, 600, 4 * 43],
        [2, 600, 900, 4 * 43],
        [3, 900, 1204, 4 * 44],
      ],
    );
    assert.deepEqual(t.stats, { durationMs: 1204, requests: 4 * 172, intervals: 4, aborted: false });
  });
});

describe('closed model, fake clock: connection stages', () => {
  // 0 -> 8 connections over 500 ms, hold 500 ms, down to 2 over 500 ms; 10 ms answers. The ramp is re-read every
  // 50 ms; loops above it park after their current request, so 25 ms after each re-reading the requests in flight
  // are exactly what connectionsAt said then.
  const stages: Stage[] = [
    { durationMs: 500, target: 8 },
    { durationMs: 500, target: 8 },
    { durationMs: 500, target: 2 },
  ];

  it('keeps exactly connectionsAt(t) requests in flight, re-read every 50 ms', async () => {
    const run = startFakeRun({ stages }, answerAfter(10));
    const inFlight: number[] = [];
    for (let tick = 0; tick < 30; tick++) {
      run.clock.advanceTo(tick * 50 + 25);
      inFlight.push(run.net.inFlight);
    }
    await finish(run);
    assert.deepEqual(
      inFlight,
      Array.from({ length: 30 }, (_, tick) => connectionsAt(stages, tick * 50)),
    );
    // Read off the ramp by hand: rising (1 at 50 ms, 4 at 250 ms), holding, falling (5 at 1,250 ms, 3 at 1,450 ms).
    assert.deepEqual(
      [1, 5, 10, 15, 25, 29].map((tick) => inFlight[tick]),
      [1, 4, 8, 8, 5, 3],
    );
    assert.equal(run.net.maxInFlight, 8, 'never more in flight than the top of the ramp');
    assert.equal(run.net.connections.length, 8, 'one connection per loop, made once');
  });
});

describe('closed model, fake clock: errors and abort', () => {
  it('counts failures thrown inside dispatch() and goes on in the next turn, all at time 0', async () => {
    const run = startFakeRun({ requests: 30, connections: 3 }, () => ({ error: 'ECONNREFUSED', afterMs: 0 }));
    const t = await finish(run);
    assert.deepEqual(t.byError, { ECONNREFUSED: 30 });
    assert.ok(
      run.net.sent.every((s) => s.at === 0),
      'no time passes',
    );
    assert.equal(t.latency.totalCount, 0, 'errors carry no latency');
  });

  it('classifies each failure once: a 5 ms header timeout on one loop for 100 ms is 20 timeouts', async () => {
    const run = startFakeRun({ connections: 1, durationMs: 100 }, () => ({
      error: 'UND_ERR_HEADERS_TIMEOUT',
      afterMs: 5,
      connected: true,
    }));
    const t = await finish(run);
    assert.deepEqual(t.byError, { timeout: 20 });
    assert.ok((run.intervals.at(-1)?.bytesSent ?? 0) > 0, 'a request that reached a socket counts its bytes');
  });

  it('abort ends the requests in flight as aborted, at once, and still emits the last interval', async () => {
    const run = startFakeRun({ connections: 5, durationMs: 60_000 }, () => ({ stall: true }));
    run.clock.advanceTo(300);
    run.handle.abort();
    run.clock.runAll();
    const stats = await run.handle.done;
    const t = totalsOf(stats, run.intervals);
    assert.deepEqual(stats, { durationMs: 300, requests: 5, intervals: 1, aborted: true });
    assert.deepEqual(t.byError, { aborted: 5 });
    assert.deepEqual(
      run.intervals.map((i) => [i.seq, i.startMs, i.endMs]),
      [[0, 0, 300]],
    );
  });
});
