import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeMergedInterval,
  type GeneratorHealth,
  HealthTally,
  IntervalMerger,
  IntervalRejectedError,
  mergeHealth,
  Recorder,
  RunAggregate,
} from '../src/index.js';

const quiet: GeneratorHealth = { lagP99Ms: 1, lagMaxMs: 3, cpu: 0.2, processCpu: 0.25, threads: 1, cpuSource: 'loop' };
const busy: GeneratorHealth = { lagP99Ms: 80, lagMaxMs: 95, cpu: 0.97, processCpu: 1, threads: 1, cpuSource: 'loop' };

/** An interval of `seq` from a recorder with one response, carrying `health`. */
function interval(seq: number, health: GeneratorHealth | undefined, ms = 1000) {
  const rec = new Recorder();
  rec.recordResponse(200, 1000, 10, 10);
  const data = rec.snapshot(seq, seq * 1000, seq * 1000 + ms);
  return health ? { ...data, health } : data;
}

describe('generator health', () => {
  it('merges an agent’s threads into the worst figures, the threads counted', () => {
    const both = mergeHealth(mergeHealth(undefined, quiet), { ...busy, cpu: 0.5, processCpu: 0.9 });
    assert.deepEqual(both, { lagP99Ms: 80, lagMaxMs: 95, cpu: 0.5, processCpu: 0.9, threads: 2, cpuSource: 'loop' });
  });

  it('an engine’s thread merger sends the merged health on, once per seq', () => {
    const out: GeneratorHealth[] = [];
    const merger = new IntervalMerger<number>((m) => {
      const h = encodeMergedInterval(m).health;
      if (h) out.push(h);
    });
    merger.join(0);
    merger.join(1);
    merger.add(0, interval(0, quiet));
    merger.add(1, interval(0, busy));
    merger.flush();
    assert.deepEqual(out, [{ ...busy, threads: 2 }]);
  });

  it('weighs intervals by their length: saturated for more than a tenth of the run is the verdict', () => {
    const tally = new HealthTally();
    for (let i = 0; i < 9; i++) tally.add(quiet, 1000);
    tally.add(busy, 1000);
    // Exactly a tenth: not more than a tenth.
    assert.equal(tally.summary()?.saturated, false);
    assert.equal(tally.summary()?.saturatedShare, 0.1);
    tally.add(busy, 100);
    const s = tally.summary();
    assert.equal(s?.saturated, true);
    assert.equal(s?.lagP99Ms, 80);
    assert.equal(s?.cpuMax, 0.97);
    assert.equal(s?.intervals, 11);
    // (9 × 0.2 + 0.97 × 1.1) / 10.1
    assert.equal(s?.cpuMean, Math.round(((9 * 0.2 + 0.97 * 1.1) / 10.1) * 1e4) / 1e4);
  });

  it('a short, busy last interval does not make a quiet run saturated', () => {
    const tally = new HealthTally();
    for (let i = 0; i < 5; i++) tally.add(quiet, 1000);
    tally.add(busy, 20);
    assert.equal(tally.summary()?.saturated, false);
  });

  it('the result lists each agent’s health; an agent that sent none has no health field', () => {
    const agg = new RunAggregate();
    agg.join({ id: 'a', name: 'a', host: 'h' });
    agg.join({ id: 'b', name: 'b', host: 'h' });
    agg.join({ id: 'old', name: 'old', host: 'h' });
    for (let seq = 0; seq < 3; seq++) {
      agg.add('a', interval(seq, quiet));
      agg.add('b', interval(seq, busy));
      agg.add('old', interval(seq, undefined));
    }
    assert.deepEqual(agg.liveAgents().get('b')?.health, busy);
    assert.equal(agg.liveAgents().get('b')?.requests, 3);
    const [a, b, old] = agg.merge().agents;
    assert.equal(a?.health?.saturated, false);
    assert.equal(b?.health?.saturated, true);
    assert.equal(b?.health?.saturatedShare, 1);
    assert.equal(old && 'health' in old, false);
  });

  it('refuses an interval whose health figures are negative or not numbers, changing nothing', () => {
    const agg = new RunAggregate();
    agg.join({ id: 'a', name: 'a', host: 'h' });
    for (const bad of [{ cpu: Number.NaN }, { lagP99Ms: -1 }, { threads: Number.POSITIVE_INFINITY }]) {
      assert.throws(
        () => agg.add('a', interval(0, { ...quiet, ...bad })),
        (err: Error) => err instanceof IntervalRejectedError && err.code === 'bad-interval',
      );
    }
    agg.add('a', interval(0, quiet));
    assert.equal(agg.merge().requests.total, 1);
  });
});
