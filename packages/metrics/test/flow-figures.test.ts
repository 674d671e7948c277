import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeMergedInterval, IntervalMerger, Recorder, RunAggregate } from '../src/index.js';

const flowRecorder = () =>
  new Recorder(['login', 'me'], {
    checks: [['status'], ['status', 'body_contains']],
  });

describe('flow figures', () => {
  it('are counted per step and check, and merge exactly over agents', () => {
    const agg = new RunAggregate();
    for (const id of ['a', 'b']) agg.join({ id, name: id, host: 'h' });
    for (const [id, n] of [
      ['a', 3],
      ['b', 5],
    ] as const) {
      const rec = flowRecorder();
      for (let i = 0; i < n; i++) {
        rec.recordIterationStart();
        rec.recordResponse(200, 1000, 10, 10, 0);
        rec.recordCheck(0, 0, true);
        // Every other /me is a 404 the check expects; every third body is wrong.
        const status = i % 2 === 0 ? 404 : 200;
        rec.recordResponse(status, 2000, 10, 10, 1);
        if (status === 404) rec.recordExpected(1);
        rec.recordCheck(1, 0, true);
        rec.recordCheck(1, 1, i % 3 !== 0);
        rec.recordIteration(5000 + i);
      }
      agg.add(id, rec.snapshot(0, 0, 1000));
    }
    const merged = agg.merge();
    assert.deepEqual(
      merged.iterations && [merged.iterations.count, merged.iterations.started, merged.iterations.duration.count],
      [8, 8, 8],
    );
    const me = merged.endpoints.find((e) => e.name === 'me');
    // a: i = 0,1,2 → wrong bodies at 0; b: i = 0..4 → at 0, 3.
    assert.deepEqual(me?.checks, [
      { name: 'status', passed: 8, failed: 0 },
      { name: 'body_contains', passed: 5, failed: 3 },
    ]);
    // 404s expected by the check are ok: a has 2, b has 3.
    assert.equal(me?.requests.ok, 8);
    assert.equal(me?.requests.byStatus['404'], 5);
    assert.equal(merged.requests.ok, 16);
  });

  it('refuses an iteration histogram that does not match its count, changing nothing', () => {
    const merger = new IntervalMerger<string>(() => {});
    merger.join('a');
    const rec = flowRecorder();
    rec.recordIteration(10);
    const data = { ...rec.snapshot(0, 0, 1000), iterations: 2 };
    assert.throws(() => merger.add('a', data), /iteration histogram holds 1 values for 2 iterations/);
    assert.throws(() => merger.add('a', { ...data, iterations: 1, iterationsStarted: -1 }));
  });

  it('survive a thread merge (encodeMergedInterval) unchanged', () => {
    const rec = flowRecorder();
    rec.recordIterationStart();
    rec.recordResponse(500, 10, 1, 1, 0);
    rec.recordExpected(0);
    rec.recordCheck(0, 0, true);
    rec.recordIteration(99);
    const out: ReturnType<typeof encodeMergedInterval>[] = [];
    const merger = new IntervalMerger<string>((m) => out.push(encodeMergedInterval(m)));
    merger.join('t');
    merger.add('t', rec.snapshot(0, 0, 1000));
    merger.flush();
    assert.equal(out[0]?.iterations, 1);
    assert.equal(out[0]?.expected, 1);
    assert.deepEqual(out[0]?.endpoints?.[0]?.checks, [{ name: 'status', passed: 1, failed: 0 }]);
    assert.equal(out[0]?.endpoints?.[0]?.expected, 1);
  });
});
