import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_MAX_OPEN_INTERVALS,
  decodeHistogram,
  encodeMergedInterval,
  type IntervalData,
  IntervalMerger,
  Recorder,
  sumCounts,
} from '../src/index.js';
import { assertWellFormed, play, type Step } from './merger-script.js';

const cases: Array<{ name: string; steps: Step[]; emitted: Array<[seq: number, requests: number]> }> = [
  {
    name: 'emits an interval once every member has reported it, in seq order',
    steps: [
      { join: ['a', 'b'] },
      { add: ['a', 0, 1] },
      { add: ['a', 1, 2] },
      { expect: [] },
      { add: ['b', 0, 10] },
      { expect: [0] },
      { add: ['b', 1, 20] },
      { add: ['b', 2, 30] },
      { expect: [0, 1] },
      { add: ['a', 2, 3] },
      { expect: [0, 1, 2] },
    ],
    emitted: [
      [0, 11],
      [1, 22],
      [2, 33],
    ],
  },
  {
    name: 'a member that skipped a seq is not waited for: its seqs only go up',
    steps: [{ join: ['a', 'b'] }, { add: ['a', 0, 1] }, { add: ['b', 1, 2] }, { expect: [0] }, { add: ['a', 1, 3] }],
    emitted: [
      [0, 1],
      [1, 5],
    ],
  },
  {
    // The bug this merger replaces: a count of reporters reached the number of live agents when c was lost, so
    // interval 1 closed without b, and b's report of it became a second interval with the same t.
    name: 'a, c report k; c is lost; b reports k: exactly one interval k, with a, b and c in it',
    steps: [
      { join: ['a', 'b', 'c'] },
      { add: ['a', 0, 1] },
      { add: ['b', 0, 1] },
      { add: ['c', 0, 1] },
      { add: ['a', 1, 10] },
      { add: ['c', 1, 100] },
      { lose: 'c' },
      { expect: [0] },
      { add: ['b', 1, 1000] },
      { expect: [0, 1] },
      { add: ['a', 2, 2] },
      { add: ['b', 2, 3] },
    ],
    emitted: [
      [0, 3],
      [1, 1110],
      [2, 5],
    ],
  },
  {
    name: 'a member that left (finished) is no longer waited for, and what it sent is kept',
    steps: [
      { join: ['a', 'b'] },
      { add: ['a', 0, 1] },
      { add: ['b', 0, 2] },
      { add: ['b', 1, 3] },
      { add: ['b', 2, 4] },
      { expect: [0] },
      { leave: 'a' },
      { expect: [0, 1, 2] },
    ],
    emitted: [
      [0, 3],
      [1, 3],
      [2, 4],
    ],
  },
  {
    name: 'when the last member departs, everything open goes out',
    steps: [{ join: ['a'] }, { add: ['a', 0, 1] }, { lose: 'a' }, { expect: [0] }],
    emitted: [[0, 1]],
  },
  {
    name: 'flush emits every open interval in order, with what it holds',
    steps: [
      { join: ['a', 'b'] },
      { add: ['a', 0, 1] },
      { add: ['a', 1, 2] },
      { add: ['a', 2, 4] },
      { expect: [] },
      { flush: true },
      { expect: [0, 1, 2] },
    ],
    emitted: [
      [0, 1],
      [1, 2],
      [2, 4],
    ],
  },
];

describe('IntervalMerger', () => {
  for (const c of cases) {
    it(c.name, () => {
      const played = play(c.steps);
      assert.deepEqual(
        played.emitted.map((e) => [e.seq, e.requests]),
        c.emitted,
      );
      assertWellFormed(played);
      assert.deepEqual(played.notices, [], 'nothing forced, nothing late');
    });
  }

  it(`holds at most ${DEFAULT_MAX_OPEN_INTERVALS} intervals open: past that the oldest goes out, reported`, () => {
    const steps: Step[] = [{ join: ['fast', 'slow'] }];
    for (let seq = 0; seq <= DEFAULT_MAX_OPEN_INTERVALS; seq++) steps.push({ add: ['fast', seq, 1] });
    steps.push({ expect: [0] });
    const played = play(steps);
    assert.equal(played.merger.pending, DEFAULT_MAX_OPEN_INTERVALS);
    assert.deepEqual(played.notices, [{ type: 'forced', seq: 0, missing: ['slow'] }]);
  });

  it('carries a report of an interval that went out into the next one, so its requests still count', () => {
    const played = play(
      [
        { join: ['fast', 'slow'] },
        { add: ['fast', 0, 1] },
        { add: ['fast', 1, 2] },
        { add: ['fast', 2, 4] },
        { expect: [0] }, // forced: three open, two allowed
        { add: ['slow', 0, 10] },
        { expect: [0] },
        { add: ['slow', 1, 20] },
        { add: ['slow', 2, 40] },
        { expect: [0, 1, 2] },
      ],
      2,
    );
    assert.deepEqual(
      played.emitted.map((e) => [e.seq, e.requests, e.carried]),
      [
        [0, 1, 0],
        [1, 32, 1],
        [2, 44, 0],
      ],
    );
    assert.deepEqual(played.notices, [
      { type: 'forced', seq: 0, missing: ['slow'] },
      { type: 'late', member: 'slow', seq: 0, into: 1 },
    ]);
    assertWellFormed(played);
  });

  it('merges histograms, service times, counts, bytes and endpoints; encodes them as one engine would', () => {
    const recorders = [new Recorder(['home', 'cart']), new Recorder(['home', 'cart'])];
    let encoded: IntervalData | undefined;
    const merger = new IntervalMerger<number>((m) => {
      encoded = encodeMergedInterval(m);
    });
    recorders.forEach((rec, i) => {
      merger.join(i);
      rec.recordScheduledResponse(200, 5000 + i, 1000 + i, 10, 100, 0);
      rec.recordScheduledResponse(503, 7000, 2000, 10, 100, 1);
      rec.recordError('ECONNRESET', 10, 1);
      rec.recordLate();
      rec.recordDropped(2);
    });
    recorders.forEach((rec, i) => {
      merger.add(i, rec.snapshot(0, 0, 1000));
    });
    assert.ok(encoded);
    assert.deepEqual(encoded.byStatus, { '200': 2, '503': 2 });
    assert.deepEqual(encoded.byError, { ECONNRESET: 2 });
    assert.deepEqual([encoded.bytesSent, encoded.bytesReceived, encoded.late, encoded.dropped], [60, 400, 2, 4]);
    assert.equal(decodeHistogram(encoded.histogram).totalCount, 4);
    assert.equal(decodeHistogram(encoded.serviceHistogram ?? new Uint8Array()).totalCount, 4);
    assert.deepEqual(
      encoded.endpoints?.map((e) => [e.name, sumCounts(e.byStatus), sumCounts(e.byError)]),
      [
        ['home', 2, 0],
        ['cart', 2, 2],
      ],
    );
  });

  it('refuses a bound on open intervals below one', () => {
    assert.throws(() => new IntervalMerger(() => {}, { maxOpen: 0 }), RangeError);
  });
});
