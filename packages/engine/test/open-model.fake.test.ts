import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sumCounts } from '@volley/metrics';
import type { Stage } from '@volley/plan';
import { RateSchedule } from '../src/index.js';
import { answerAfter } from './fake-network.js';
import { assertSameHistogram, finish, histogramOf, startFakeRun, totalsOf } from './fake-run.js';

// The open model on virtual time against a fake network: every figure below is exact, not within a tolerance.

/** When the schedule means request n to go out, in ms since the start. */
const dueMs = (schedule: RateSchedule, count: number) => Array.from({ length: count }, (_, n) => schedule.at(n) / 1000);

describe('open model, fake clock: a constant rate', () => {
  const cases = [
    { rate: 50, durationMs: 1000, sends: 50 },
    { rate: 7, durationMs: 1000, sends: 7 },
    { rate: 3, durationMs: 2000, sends: 6 },
    { rate: 333, durationMs: 1000, sends: 333 },
    { rate: 1000, durationMs: 100, sends: 100 },
  ];
  for (const { rate, durationMs, sends } of cases) {
    it(`${rate}/s for ${durationMs} ms sends exactly ${sends}, each at its scheduled time`, async () => {
      const run = startFakeRun({ rate, durationMs, connections: 10 }, answerAfter(1));
      const t = await finish(run);
      const at = run.net.sent.map((s) => s.at);
      assert.deepEqual(at, dueMs(RateSchedule.constant(rate, durationMs), sends));
      assert.equal(t.stats.requests, sends);
      assert.equal(t.responses, sends);
      assert.equal(t.service.totalCount, sends, 'every response also has a service time');
      assert.equal(t.late, 0);
      assert.equal(t.dropped, 0, 'a server that keeps up leaves nothing unsent');
      // Sent on time and answered in 1 ms: latency and service time are both exactly 1 ms.
      assertSameHistogram(t.latency, histogramOf(Array(sends).fill(1)), 'latency');
      assertSameHistogram(t.service, histogramOf(Array(sends).fill(1)), 'service time');
    });
  }

  it('50/s: one send every 20 ms, from 0 to 980 ms; the run lasts its second, though the last answer came at 981', async () => {
    const run = startFakeRun({ rate: 50, durationMs: 1000, connections: 10 }, answerAfter(1));
    const t = await finish(run);
    assert.deepEqual(
      run.net.sent.map((s) => s.at),
      Array.from({ length: 50 }, (_, n) => n * 20),
    );
    assert.equal(t.stats.durationMs, 1000);
  });

  it('0.5/s for 5 s: 3 sends, and the run lasts its 5 s (its rate is 0.6/s, not 3 over a few ms)', async () => {
    const run = startFakeRun({ rate: 0.5, durationMs: 5000, connections: 2 }, answerAfter(2));
    const t = await finish(run);
    assert.deepEqual(
      run.net.sent.map((s) => s.at),
      [0, 2000, 4000],
    );
    assert.equal(t.stats.durationMs, 5000);
    assert.equal(run.intervals.length, 5, 'an interval a second, the empty ones too');
  });

  it("above 1,000/s sends go out in 1 ms batches (Node's shortest timer): never early, never 1 ms late", async () => {
    const run = startFakeRun({ rate: 2000, durationMs: 50, connections: 10 }, answerAfter(1));
    const t = await finish(run);
    const due = dueMs(RateSchedule.constant(2000, 50), 100);
    assert.equal(run.net.sent.length, 100);
    for (const s of run.net.sent) {
      const wait = s.at - (due[s.n] as number);
      assert.ok(wait >= 0 && wait < 1, `request ${s.n} due at ${due[s.n]} ms went at ${s.at} ms`);
    }
    assert.equal(t.late, 0);
    assert.deepEqual(run.clock.slept, [], 'a request was always in flight: the thread never slept');
  });

  it('a send due sooner than a timer can fire, with nothing in flight, goes out at its time: the thread sleeps', async () => {
    // 600/s: one every 1.67 ms, each answered in 1 ms, so once it is answered the next is due 0.67 ms later; a
    // timer fires 1 ms later at the soonest (Node's, as the fake clock's), which would send it 0.33 ms late.
    const run = startFakeRun({ rate: 600, durationMs: 100, connections: 10 }, answerAfter(1));
    const t = await finish(run);
    const due = dueMs(RateSchedule.constant(600, 100), 60);
    assert.equal(run.net.sent.length, 60);
    for (const s of run.net.sent) {
      const off = Math.abs(s.at - (due[s.n] as number));
      assert.ok(off < 1e-9, `request ${s.n} due at ${due[s.n]} ms went at ${s.at} ms`);
    }
    assert.equal(run.clock.slept.length, 59, 'every send but the first was slept for');
    assert.ok(run.clock.slept.every((ms) => ms > 0 && ms < 1));
    // Sent on time and answered in 1 ms: the latency from the due time is the service time, exactly.
    assertSameHistogram(t.latency, histogramOf(Array(60).fill(1)), 'latency');
    assert.equal(t.late, 0);
  });
});

describe('open model, fake clock: a ramp', () => {
  const cases: Array<{ stages: Stage[]; perSecond: number[] }> = [
    {
      // 0 -> 120/s over 1 s (60), hold 1 s (120), down to 40/s over 1 s (80).
      stages: [
        { durationMs: 1000, target: 120 },
        { durationMs: 1000, target: 120 },
        { durationMs: 1000, target: 40 },
      ],
      perSecond: [60, 120, 80],
    },
    {
      // 0 -> 500/s over 2 s (125 in the first second, 375 in the second), then down to 0 over 1 s (250).
      stages: [
        { durationMs: 2000, target: 500 },
        { durationMs: 1000, target: 0 },
      ],
      perSecond: [125, 375, 250],
    },
    {
      // Areas that are not whole: 0 -> 333/s over 1.5 s (249.75), down to 77/s over 0.7 s (143.5): 393.25, so
      // requests 0 to 393 are due. 111 by 1 s (222/s then), 370.5 by 2 s (about 150/s then).
      stages: [
        { durationMs: 1500, target: 333 },
        { durationMs: 700, target: 77 },
      ],
      perSecond: [111, 260, 23],
    },
  ];
  for (const { stages, perSecond } of cases) {
    const total = perSecond.reduce((a, b) => a + b, 0);
    it(`${stages.map((s) => `${s.durationMs}ms:${s.target}/s`).join(' ')} sends its integral, ${total}, on schedule`, async () => {
      const run = startFakeRun({ model: 'open', stages, connections: 50 }, answerAfter(1));
      const t = await finish(run);
      assert.deepEqual(
        run.net.sent.map((s) => s.at),
        dueMs(new RateSchedule(0, stages), total),
      );
      assert.deepEqual(
        perSecond.map((_, i) => run.net.sentBetween(i * 1000, (i + 1) * 1000)),
        perSecond,
      );
      assert.equal(t.responses, total);
      assert.equal(t.late + t.dropped, 0);
    });
  }
});

describe('open model, fake clock: busy connections make sends late, then dropped', () => {
  // A send more than LATE_AFTER_US (10 ms) after its intended time is late; a send due before the end that never
  // went out is dropped. Latency is measured from the intended time, service time from the actual send.
  const cases = [
    {
      name: 'one connection, 600 ms answers, 50/s for 1 s: 2 sent, 48 dropped',
      input: { rate: 50, durationMs: 1000, connections: 1 },
      answerMs: 600,
      // The connection is busy 0-600 ms and 600-1200 ms; the other 48 due in the first second never go out.
      sentAt: [0, 600],
      late: 1,
      dropped: 48,
      latencyMs: [600, 1180],
      endsAt: 1200,
    },
    {
      name: 'one connection, 30 ms answers, 50/s for 100 ms: exactly 10 ms behind is not late',
      input: { rate: 50, durationMs: 100, connections: 1 },
      answerMs: 30,
      // Due 0, 20, 40, 60, 80; sent as the connection frees: 10, 20 and 30 ms behind; the one due at 80 is dropped.
      sentAt: [0, 30, 60, 90],
      late: 2,
      dropped: 1,
      latencyMs: [30, 40, 50, 60],
      endsAt: 120,
    },
    {
      name: 'two connections, 45 ms answers, 100/s for 200 ms: 10 sent, 8 late, 10 dropped',
      input: { rate: 100, durationMs: 200, connections: 2 },
      answerMs: 45,
      sentAt: [0, 10, 45, 55, 90, 100, 135, 145, 180, 190],
      late: 8,
      dropped: 10,
      latencyMs: [45, 45, 70, 70, 95, 95, 120, 120, 145, 145],
      endsAt: 235,
    },
    {
      name: 'ten connections, 5 ms answers, 100/s for 1 s: none late, none dropped',
      input: { rate: 100, durationMs: 1000, connections: 10 },
      answerMs: 5,
      sentAt: Array.from({ length: 100 }, (_, n) => n * 10),
      late: 0,
      dropped: 0,
      latencyMs: Array(100).fill(5),
      // The last answer came at 995; the run lasts its duration.
      endsAt: 1000,
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const run = startFakeRun(c.input, answerAfter(c.answerMs));
      const t = await finish(run);
      assert.deepEqual(
        run.net.sent.map((s) => s.at),
        c.sentAt,
      );
      assert.equal(t.stats.requests, c.sentAt.length);
      assert.equal(t.late, c.late);
      assert.equal(t.dropped, c.dropped);
      assert.equal(run.intervals.at(-1)?.dropped, c.dropped || undefined, 'dropped count in the last interval');
      assertSameHistogram(t.latency, histogramOf(c.latencyMs), 'latency from the intended send');
      assertSameHistogram(t.service, histogramOf(Array(c.sentAt.length).fill(c.answerMs)), 'service time');
      assert.equal(t.stats.durationMs, c.endsAt);
    });
  }
});

describe('coordinated omission, fake clock: a server that holds every answer from 300 to 600 ms', () => {
  // Answers take 10 ms, except that a request arriving in [300, 600) is answered at 600.
  const stalling = (sent: { at: number }) => ({ afterMs: sent.at >= 300 && sent.at < 600 ? 600 - sent.at : 10 });

  it('the open model measures the wait from the intended send; service time from the actual send', async () => {
    // 10/s on 2 connections: the requests due at 300 and 400 take both connections into the stall; the one due at
    // 500 waits for a connection until 600 (late), the one due at 600 goes out on time.
    const run = startFakeRun({ rate: 10, durationMs: 1000, connections: 2 }, stalling);
    const t = await finish(run);
    assert.deepEqual(
      run.net.sent.map((s) => s.at),
      [0, 100, 200, 300, 400, 600, 600, 700, 800, 900],
    );
    assertSameHistogram(t.latency, histogramOf([10, 10, 10, 300, 200, 110, 10, 10, 10, 10]), 'corrected latency');
    assertSameHistogram(t.service, histogramOf([10, 10, 10, 300, 200, 10, 10, 10, 10, 10]), 'service time');
    assert.equal(t.late, 1);
    assert.equal(t.dropped, 0);
  });

  it('the closed model stops sending during the stall: 2 slow requests among 142', async () => {
    // Each of 2 loops sends every 10 ms until 300, waits 300 ms, then goes on from 600 until the deadline.
    const run = startFakeRun({ connections: 2, durationMs: 1000 }, stalling);
    const t = await finish(run);
    assert.equal(t.stats.requests, 142);
    assertSameHistogram(t.latency, histogramOf([...Array(140).fill(10), 300, 300]), 'latency');
    assert.equal(t.service.totalCount, 0, 'the closed model has no separate service time');
  });
});

describe('open model, fake clock: bounds, errors and abort', () => {
  it('stops at the request count: 25 at 100/s go out at 0, 10, ... 240 ms', async () => {
    const run = startFakeRun({ rate: 100, requests: 25, connections: 5 }, answerAfter(5));
    const t = await finish(run);
    assert.deepEqual(
      run.net.sent.map((s) => s.at),
      Array.from({ length: 25 }, (_, n) => n * 10),
    );
    assert.equal(t.responses, 25);
    assert.equal(t.dropped, 0, 'a count-bound run has no end for sends to be due before');
    assert.equal(t.stats.durationMs, 245);
  });

  it('closes intervals on their boundaries; the last one holds the answers that came after the end', async () => {
    const run = startFakeRun({ rate: 100, durationMs: 1000, intervalMs: 250, connections: 5 }, answerAfter(5));
    await finish(run);
    assert.deepEqual(
      run.intervals.map((i) => [i.seq, i.startMs, i.endMs, sumCounts(i.byStatus)]),
      [
        [0, 0, 250, 25],
        [1, 250, 500, 25],
        [2, 500, 750, 25],
        [3, 750, 1000, 25],
      ],
    );
  });

  it('counts failures by kind, including ones thrown inside dispatch(), and goes on at the rate', async () => {
    const run = startFakeRun({ rate: 100, durationMs: 200, connections: 2 }, () => ({
      error: 'ECONNREFUSED',
      afterMs: 0,
    }));
    const t = await finish(run);
    assert.equal(run.net.sent.length, 20);
    assert.deepEqual(t.byError, { ECONNREFUSED: 20 });
    assert.equal(t.responses, 0);
    assert.equal(run.intervals.at(-1)?.bytesSent, 0, 'a refused request never reached a socket');
  });

  it('abort ends the requests in flight as aborted, at once, and still emits the last interval', async () => {
    const run = startFakeRun({ rate: 100, durationMs: 60_000, connections: 10 }, () => ({ stall: true }));
    run.clock.advanceTo(300);
    run.handle.abort();
    run.handle.abort();
    run.clock.runAll();
    const stats = await run.handle.done;
    const t = totalsOf(stats, run.intervals);
    assert.equal(stats.aborted, true);
    assert.equal(stats.requests, 10, 'ten connections, each stalled since its first request');
    assert.deepEqual(t.byError, { aborted: 10 });
    assert.equal(t.dropped, 0, 'an aborted run has no end to have been due before');
    assert.deepEqual(
      run.intervals.map((i) => [i.seq, i.startMs, i.endMs]),
      [[0, 0, 300]],
    );
  });
});
