import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as turn } from 'node:timers/promises';
import { DeferredAdds, MAX_DEFERRED_ADDS } from '../src/deferred-adds.js';
import {
  createIntervalHistogram,
  createTotalHistogram,
  decodeHistogram,
  encodeHistogram,
  Recorder,
  RunAggregate,
} from '../src/index.js';

function encoded(seed: number, n = 300): Uint8Array {
  const h = createIntervalHistogram();
  for (let i = 1; i <= n; i++) h.recordValue(100 + ((i * 7919 * seed) % 20_000));
  return encodeHistogram(h);
}

describe('DeferredAdds', () => {
  it('adds nothing until settled, then exactly what the library adds, oldest first up to a limit', () => {
    const adds = new DeferredAdds();
    const into = createTotalHistogram();
    const reference = createTotalHistogram();
    const bytes = [1, 2, 3].map((seed) => encoded(seed));
    for (const b of bytes) adds.defer(into, b);
    assert.equal(into.totalCount, 0);
    assert.equal(adds.pending, 3);
    adds.settle(2);
    assert.equal(adds.pending, 1);
    assert.equal(into.totalCount, 600);
    adds.settle();
    assert.equal(adds.pending, 0);
    for (const b of bytes) reference.add(decodeHistogram(b));
    assert.equal(into.totalCount, reference.totalCount);
    for (const p of [50, 90, 99, 100]) assert.equal(into.getValueAtPercentile(p), reference.getValueAtPercentile(p));
    assert.equal(into.minNonZeroValue, reference.minNonZeroValue);
  });

  it(`adds at once rather than keep more than ${MAX_DEFERRED_ADDS} waiting`, () => {
    const adds = new DeferredAdds();
    const into = createTotalHistogram();
    const b = encoded(1, 10);
    for (let i = 0; i <= MAX_DEFERRED_ADDS; i++) {
      adds.defer(into, b);
      adds.bound();
    }
    assert.equal(adds.pending, 0);
    assert.equal(into.totalCount, 10 * (MAX_DEFERRED_ADDS + 1));
  });

  it('keeps what waits when room is reserved for more, and adds it all', () => {
    const adds = new DeferredAdds();
    const into = createTotalHistogram();
    const reference = createTotalHistogram();
    const bytes = [4, 5, 6].map((seed) => encoded(seed, 200));
    adds.defer(into, bytes[0] as Uint8Array);
    adds.reserve(64 * 1024 * 1024); // past the store's first size: a new one, holding the report that waits
    adds.defer(into, bytes[1] as Uint8Array);
    adds.reserve(1024); // less than it has: nothing changes
    adds.defer(into, bytes[2] as Uint8Array);
    adds.settle();
    for (const b of bytes) reference.add(decodeHistogram(b));
    assert.equal(into.totalCount, 600);
    for (const p of [50, 99, 100]) assert.equal(into.getValueAtPercentile(p), reference.getValueAtPercentile(p));
  });

  it('settles soon in slices, one turn of the event loop each, until none waits', async () => {
    const adds = new DeferredAdds();
    const into = createTotalHistogram();
    const b = encoded(2, 5);
    for (let i = 0; i < 600; i++) adds.defer(into, b);
    adds.settleSoon();
    adds.settleSoon();
    assert.equal(adds.pending, 600, 'nothing in this turn');
    await turn();
    assert.ok(adds.pending > 0 && adds.pending < 600, `a slice, not all: ${adds.pending} wait`);
    for (let i = 0; i < 5 && adds.pending > 0; i++) await turn();
    assert.equal(adds.pending, 0);
    assert.equal(into.totalCount, 5 * 600);
  });
});

describe("RunAggregate's per-agent totals", () => {
  it('hold the report that completes an interval when a listener of that interval reads them', () => {
    const seen: number[] = [];
    const agg: RunAggregate = new RunAggregate(() => seen.push(agg.liveAgents().get('a')?.p99Ms ?? 0));
    agg.join({ id: 'a', name: 'a', host: 'h' });
    const rec = new Recorder();
    for (let i = 0; i < 100; i++) rec.recordResponse(200, 5000, 1, 1);
    agg.add('a', rec.snapshot(0, 0, 1000));
    assert.equal(seen.length, 1);
    assert.ok((seen[0] ?? 0) > 4.9, `the live p99 was ${seen[0]} ms`);
  });

  it('hold every accepted report when read live or in the result, and none that was refused', () => {
    const agg = new RunAggregate();
    agg.join({ id: 'a', name: 'a', host: 'h' });
    agg.join({ id: 'b', name: 'b', host: 'h' });
    const rec = new Recorder();
    for (let i = 0; i < 100; i++) rec.recordResponse(200, 1000 + i * 10, 1, 1);
    agg.add('a', rec.snapshot(0, 0, 1000));
    assert.ok((agg.liveAgents().get('a')?.p99Ms ?? 0) > 1.9, 'the live p99 counts the report just added');
    const bad = rec.snapshot(1, 1000, 2000);
    bad.byStatus = { 200: 5 }; // no responses behind the histogram's values: refused
    assert.throws(() => agg.add('b', bad));
    // Counts that are each a number but add up to none: refused, not summed to Infinity.
    const endless = rec.snapshot(2, 2000, 3000);
    endless.byError = { timeout: Number.MAX_VALUE, reset: Number.MAX_VALUE };
    assert.throws(() => agg.add('b', endless), /a count is negative or not a number/);
    assert.deepEqual(
      [agg.liveAgents().get('b')?.requests, agg.liveAgents().get('b')?.errors],
      [0, 0],
      'nothing refused is counted live',
    );
    const merged = agg.merge();
    assert.equal(merged.agents.find((x) => x.id === 'a')?.latency.count, 100);
    const b = merged.agents.find((x) => x.id === 'b');
    assert.deepEqual([b?.latency.count, b?.requests, b?.errors], [0, 0, 0]);
  });
});
