import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Recorder, RunAggregate } from '@volley/metrics';
import { htmlView, renderText } from '../src/index.js';
import { resultOf } from './result-of.js';

/** A journey of 20 iterations: login (a capture), then me, whose status check fails twice and body check once. */
function journeyResult() {
  const agg = new RunAggregate();
  agg.join({ id: 'a', name: 'a', host: 'h' });
  const rec = new Recorder(['login', 'me'], { checks: [['capture token'], ['status', 'body_contains']] });
  for (let i = 0; i < 20; i++) {
    rec.recordIterationStart();
    rec.recordResponse(200, 2000, 1, 1, 0);
    rec.recordCheck(0, 0, true);
    rec.recordResponse(i < 2 ? 503 : 200, 3000, 1, 1, 1);
    rec.recordCheck(1, 0, i >= 2);
    rec.recordCheck(1, 1, i >= 1);
    rec.recordIteration(10_000);
  }
  agg.add('a', rec.snapshot(0, 0, 1000));
  const merged = agg.merge();
  const flow = {
    pick: 'sequence',
    steps: [{ name: 'login' }, { name: 'me' }],
    data: [{ name: 'users', order: 'unique', columns: ['name'], rows: 300 }],
  };
  return resultOf(
    () => {},
    { flow },
    {
      requests: merged.requests,
      latency: merged.latency,
      endpoints: merged.endpoints.map((e) => ({ ...e, weight: 0 })),
      ...(merged.iterations ? { iterations: merged.iterations } : {}),
    },
  );
}

describe('a journey in the reports', () => {
  it('shows iterations, the data used, a row per step and the failed checks in text', () => {
    const text = renderText(journeyResult());
    assert.match(text, /journey: 2 steps on http:\/\/127\.0\.0\.1:8080/);
    assert.match(text, /iterations: 20 completed of 20 begun, 20\.0\/s; duration p50 10\.0 ms/);
    assert.match(text, /data users \(unique\): 300 rows, 20 used/);
    assert.match(text, /me\s+20\s+0\s+2\s+3\.00\s+3\.00\s+3\.00\s+37 \/ 3 FAILED/);
    assert.match(text, /me: status\s+2 failed\s+of 20\s+\(10\.00%\)/);
    assert.match(text, /me: body_contains\s+1 failed/);
    assert.doesNotMatch(text, /requests by name/);
  });

  it('has iteration and check tables, and a section per step, in HTML', () => {
    const view = htmlView(journeyResult());
    const iterations = view.tables.find((t) => t.id === 'iterations');
    assert.deepEqual(iterations?.rows[0]?.slice(0, 3), ['20', '20', '20.0']);
    assert.match(iterations?.note ?? '', /Data users \(unique\): 300 rows, 20 used/);
    const checks = view.tables.find((t) => t.id === 'checks');
    assert.deepEqual(checks?.rows, [
      ['login', 'capture token', '20', '0', '0.00%'],
      ['me', 'status', '18', '2', '10.00%'],
      ['me', 'body_contains', '19', '1', '5.00%'],
    ]);
    assert.deepEqual(checks?.rowClasses, ['pass', 'fail', 'fail']);
    assert.deepEqual(
      view.requests.map((r) => r.table.title),
      ['Step login', 'Step me'],
    );
  });
});
