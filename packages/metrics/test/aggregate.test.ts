import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildResult,
  createTotalHistogram,
  decodeHistogramBase64,
  Recorder,
  RunAggregate,
  summarize,
} from '../src/index.js';

// A deterministic spread of latencies (microseconds) with a long tail, different per agent.
function latencies(seed: number, n: number): number[] {
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const u = x / 2 ** 31;
    out.push(Math.round(200 + 50_000 * u ** 6 * seed));
  }
  return out;
}

describe('RunAggregate', () => {
  it('with twelve agents merges exactly what they sent', () => {
    const agg = new RunAggregate();
    const reference = createTotalHistogram();
    const ids = Array.from({ length: 12 }, (_, i) => `a${i}`);
    for (const id of ids) agg.join({ id, name: id, host: 'h' });
    for (const [i, id] of ids.entries()) {
      const rec = new Recorder();
      for (const v of latencies(i + 1, 500)) {
        rec.recordResponse(200, v, 1, 2);
        reference.recordValue(v);
      }
      agg.add(id, rec.snapshot(0, 0, 1000));
    }
    const merged = agg.merge();
    assert.equal(merged.requests.total, 12 * 500);
    assert.equal(merged.bytes.sent, 12 * 500);
    assert.equal(merged.intervals.length, 1);
    assert.equal(merged.agents.length, 12);
    assert.equal(merged.latency.p99, summarize(reference).p99);
  });

  it('merges histograms from three agents into exact percentiles', () => {
    const agg = new RunAggregate();
    const reference = createTotalHistogram();
    for (const seed of [1, 2, 3]) agg.join({ id: `a${seed}`, name: `a${seed}`, host: 'h' });
    for (const seed of [1, 2, 3]) {
      const id = `a${seed}`;
      const rec = new Recorder();
      for (let seq = 0; seq < 3; seq++) {
        for (const v of latencies(seed * 10 + seq, 5000)) {
          rec.recordResponse(200, v, 100, 200);
          reference.recordValue(v);
        }
        agg.add(id, rec.snapshot(seq, seq * 1000, (seq + 1) * 1000));
      }
    }
    const merged = agg.merge();
    const want = summarize(reference);
    for (const key of ['count', 'min', 'p50', 'p75', 'p90', 'p99', 'p99_9', 'p99_99'] as const) {
      assert.equal(merged.latency[key], want[key], key);
    }
    // The encoding keeps buckets, not the raw extreme: max and mean agree to HdrHistogram's 3 digits.
    assert.ok(Math.abs(merged.latency.max - want.max) <= want.max * 1e-3, `max ${merged.latency.max} vs ${want.max}`);
    assert.ok(
      Math.abs(merged.latency.mean - want.mean) <= want.mean * 1e-3,
      `mean ${merged.latency.mean} vs ${want.mean}`,
    );
    // The encoded whole-run histogram decodes to the same distribution.
    assert.equal(
      decodeHistogramBase64(merged.latency.histogram).getValueAtPercentile(99.9),
      reference.getValueAtPercentile(99.9),
    );
    assert.equal(merged.requests.total, 45_000);
    assert.equal(merged.intervals.length, 3);
    assert.equal(merged.intervals[0]?.requests, 15_000);
    assert.equal(merged.intervals[0]?.rps, 15_000);
    assert.equal(merged.bytes.sent, 45_000 * 100);
    assert.deepEqual(
      merged.agents.map((a) => a.requests),
      [15_000, 15_000, 15_000],
    );
  });

  it('counts statuses and errors so that the totals add up', () => {
    const agg = new RunAggregate();
    agg.join({ id: 'a', name: 'a', host: 'h' });
    const rec = new Recorder();
    for (let i = 0; i < 10; i++) rec.recordResponse(200, 1000, 1, 1);
    for (let i = 0; i < 4; i++) rec.recordResponse(503, 1000, 1, 1);
    for (let i = 0; i < 3; i++) rec.recordError('ECONNRESET', 1);
    rec.recordError('timeout', 1);
    agg.add('a', rec.snapshot(0, 0, 500));
    const { requests, latency, intervals } = agg.merge();
    assert.equal(intervals[0]?.rps, 28, 'throughput counts the 14 responses (a 503 too) in 0.5 s, not the errors');
    const result = buildResult(agg.merge(), {
      toolVersion: '1',
      plan: {},
      startedAt: 0,
      endedAt: 500,
      measuredMs: 500,
      aborted: false,
      targetRate: null,
      weights: new Map(),
    });
    assert.equal(result.throughput.achieved, 28);
    assert.deepEqual(requests, {
      total: 18,
      ok: 10,
      errors: 4,
      byStatus: { '200': 10, '503': 4 },
      byError: { ECONNRESET: 3, timeout: 1 },
    });
    assert.equal(latency.count, 14, 'only responses carry a latency');
  });

  it('keeps what a lost agent reported and stops waiting for it', () => {
    const agg = new RunAggregate();
    agg.join({ id: 'a', name: 'a', host: 'h' });
    agg.join({ id: 'b', name: 'b', host: 'h' });
    const ra = new Recorder();
    const rb = new Recorder();
    ra.recordResponse(200, 500, 0, 0);
    rb.recordResponse(200, 700, 0, 0);
    agg.add('a', ra.snapshot(0, 0, 1000));
    agg.add('b', rb.snapshot(0, 0, 1000));
    ra.recordResponse(200, 500, 0, 0);
    agg.add('a', ra.snapshot(1, 1000, 2000));
    agg.lose('b');
    const merged = agg.merge();
    assert.equal(merged.requests.total, 3);
    assert.deepEqual(
      merged.agents.map((a) => [a.id, a.requests, a.lost]),
      [
        ['a', 2, false],
        ['b', 1, true],
      ],
    );
    assert.deepEqual(
      merged.intervals.map((i) => i.requests),
      [2, 1],
    );
  });

  it('does not close an interval early when an agent that reported it is lost before another reports it', () => {
    const agg = new RunAggregate();
    for (const id of ['a', 'b', 'c']) agg.join({ id, name: id, host: 'h' });
    const report = (seq: number, n: number) => {
      const rec = new Recorder();
      for (let i = 0; i < n; i++) rec.recordResponse(200, 1000, 0, 0);
      return rec.snapshot(seq, seq * 1000, (seq + 1) * 1000);
    };
    agg.add('a', report(0, 1));
    agg.add('c', report(0, 100));
    agg.lose('c');
    agg.add('b', report(0, 10));
    agg.add('a', report(1, 2));
    agg.add('b', report(1, 20));
    const merged = agg.merge();
    assert.deepEqual(
      merged.intervals.map((i) => [i.t, i.requests]),
      [
        [0, 111],
        [1, 22],
      ],
    );
    assert.equal(merged.requests.total, 133);
  });

  it('stops waiting for an agent that finished, and keeps the totals equal to the sum of the intervals', () => {
    const closed: number[] = [];
    const agg = new RunAggregate((i) => closed.push(i.t));
    agg.join({ id: 'a', name: 'a', host: 'h' });
    agg.join({ id: 'b', name: 'b', host: 'h' });
    const ra = new Recorder();
    const rb = new Recorder();
    ra.recordResponse(200, 500, 0, 0);
    rb.recordResponse(200, 700, 0, 0);
    agg.add('a', ra.snapshot(0, 0, 1000));
    agg.add('b', rb.snapshot(0, 0, 500));
    agg.leave('b');
    ra.recordResponse(200, 500, 0, 0);
    ra.recordError('timeout', 0);
    agg.add('a', ra.snapshot(1, 1000, 2000));
    assert.deepEqual(closed, [0, 1], 'interval 1 closed as soon as a reported it: b had finished');
    const merged = agg.merge();
    assert.equal(merged.requests.total, 4);
    assert.equal(
      merged.intervals.reduce((n, i) => n + i.requests, 0),
      merged.requests.total,
    );
    assert.equal(merged.latency.count, 3);
    assert.deepEqual(
      merged.agents.map((a) => [a.id, a.requests, a.lost]),
      [
        ['a', 3, false],
        ['b', 1, false],
      ],
    );
  });

  it('summarises an empty run as zeros', () => {
    const merged = new RunAggregate().merge();
    assert.equal(merged.latency.count, 0);
    assert.equal(merged.latency.min, 0);
    assert.equal(merged.latency.p99, 0);
    assert.equal(merged.requests.total, 0);
  });
});

describe('RunAggregate, given counts from a hostile agent', () => {
  it('counts error kinds named constructor and __proto__ like any other', () => {
    const agg = new RunAggregate();
    agg.join({ id: 'a', name: 'a', host: 'h' });
    const rec = new Recorder();
    for (let i = 0; i < 1000; i++) rec.recordError('__proto__', 1);
    for (let i = 0; i < 7; i++) rec.recordError('constructor', 1);
    rec.recordResponse(200, 1000, 1, 1);
    agg.add('a', rec.snapshot(0, 0, 500));
    agg.add('a', rec.snapshot(1, 500, 1000));
    const { requests, agents } = agg.merge();
    assert.equal(requests.total, 1008);
    assert.equal(requests.errors, 1007);
    assert.equal(typeof requests.total, 'number');
    assert.equal(Object.getOwnPropertyDescriptor(requests.byError, '__proto__')?.value, 1000);
    assert.equal(requests.byError.constructor, 7);
    assert.equal(agents[0]?.requests, 1008);
  });

  it('counts as ok only 2xx and 3xx responses, never a status 0 or 1xx', () => {
    const agg = new RunAggregate();
    agg.join({ id: 'a', name: 'a', host: 'h' });
    const rec = new Recorder();
    for (const status of [0, 101, 200, 302, 399, 400, 503]) rec.recordResponse(status, 1000, 1, 1);
    agg.add('a', rec.snapshot(0, 0, 500));
    const { requests } = agg.merge();
    assert.equal(requests.total, 7);
    assert.equal(requests.ok, 3);
  });
});
