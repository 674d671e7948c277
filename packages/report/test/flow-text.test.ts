import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Recorder, RunAggregate } from '@volley/metrics';
import { renderText } from '../src/index.js';
import { resultOf } from './result-of.js';

describe('a journey in the text report', () => {
  it('shows iterations, the data used, a row per step and the failed checks', () => {
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
    const result = resultOf(
      () => {},
      { flow },
      {
        requests: merged.requests,
        latency: merged.latency,
        endpoints: merged.endpoints.map((e) => ({ ...e, weight: 0 })),
        ...(merged.iterations ? { iterations: merged.iterations } : {}),
      },
    );
    const text = renderText(result);
    assert.match(text, /journey: 2 steps on http:\/\/127\.0\.0\.1:8080/);
    assert.match(text, /iterations: 20 completed of 20 begun, 20\.0\/s; duration p50 10\.0 ms/);
    assert.match(text, /data users \(unique\): 300 rows, 20 used/);
    assert.match(text, /me\s+20\s+0\s+2\s+3\.00\s+3\.00\s+3\.00\s+37 \/ 3 FAILED/);
    assert.match(text, /me: status\s+2 failed\s+of 20\s+\(10\.00%\)/);
    assert.match(text, /me: body_contains\s+1 failed/);
    assert.doesNotMatch(text, /requests by name/);
  });
});
