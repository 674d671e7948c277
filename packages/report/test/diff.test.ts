import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntervalSummary, Result } from '@volley/metrics';
import { diffResults, renderDiff, renderDiffJson } from '../src/index.js';
import { resultOf } from './result-of.js';

/** A result whose intervals ran at these rates (p50 = p90 = p99 = 1 ms), req/s their mean. */
function runAt(rates: number[]): Result {
  const intervals = rates.map(
    (rps, t): IntervalSummary => ({
      t,
      durationMs: 1000,
      requests: rps,
      errors: 0,
      rps,
      p50: 1,
      p90: 1,
      p99: 1,
      max: 1,
      histogram: '',
    }),
  );
  const base = resultOf((r) => r.recordResponse(200, 1000, 1, 1));
  return {
    ...base,
    intervals,
    throughput: { ...base.throughput, achieved: rates.reduce((s, v) => s + v, 0) / rates.length },
  };
}

describe('diffResults', () => {
  it('calls a change far beyond the interval-to-interval spread better, in percent', () => {
    const diff = diffResults(runAt([100, 101, 99, 100, 100, 100]), runAt([200, 201, 199, 200, 200, 200]));
    const rps = diff.find((d) => d.metric === 'req/s');
    assert.equal(rps?.beyondNoise, true);
    assert.equal(rps?.changePct, 100);
    assert.match(renderDiff(diff, ['a.json', 'b.json']), /req\/s\s+100\s+200\s+\+100\.0%\s+better/);
  });

  it('calls a change inside the spread within noise, and says so when there are too few intervals', () => {
    const noisy = diffResults(runAt([50, 150, 60, 140, 100, 100]), runAt([55, 160, 70, 130, 100, 100]));
    assert.equal(noisy.find((d) => d.metric === 'req/s')?.beyondNoise, false);
    const short = diffResults(runAt([100, 100]), runAt([200, 200]));
    assert.equal(short.find((d) => d.metric === 'req/s')?.beyondNoise, null);
    assert.match(renderDiff(short, ['a', 'b']), /req\/s.*too few intervals to judge/);
  });

  it('writes the JSON form with both names and every figure', () => {
    const diff = diffResults(runAt([100, 100, 100]), runAt([100, 100, 100]));
    const doc = JSON.parse(renderDiffJson(diff, ['a.json', 'b.json']));
    assert.equal(doc.before, 'a.json');
    assert.equal(doc.after, 'b.json');
    assert.deepEqual(
      doc.diff.map((d: { metric: string }) => d.metric),
      ['req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'mean ms', 'error rate %'],
    );
  });
});
