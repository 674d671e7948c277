import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createTotalHistogram,
  DEFAULT_MAX_OPEN_INTERVALS,
  decodeHistogram,
  encodeMergedInterval,
  type IntervalData,
  IntervalMerger,
  IntervalRejectedError,
  type MergeNotice,
  Recorder,
  type RejectionCode,
  sumCounts,
  summarizeMergedInterval,
} from '../src/index.js';

/** One member's report of interval `seq` (1 s long): `requests` responses, each of `seq + 1` ms. */
function report(seq: number, requests: number): IntervalData {
  const rec = new Recorder();
  for (let i = 0; i < requests; i++) rec.recordResponse(200, (seq + 1) * 1000, 10, 20);
  return rec.snapshot(seq, seq * 1000, (seq + 1) * 1000);
}

/** What the merger emitted, reduced to what the tests compare. */
interface Emitted {
  seq: number;
  t: number;
  requests: number;
  /** Values in the merged histogram: must equal the responses, always. */
  latencies: number;
  carried: number;
}

/** join ids | add member seq requests | leave member | lose member | flush | expect: seqs emitted so far. */
type Step =
  | { join: string[] }
  | { add: [member: string, seq: number, requests: number] }
  | { leave: string }
  | { lose: string }
  | { flush: true }
  | { expect: number[] };

/** Plays `steps` on a new merger; `more` plays further steps on the same one. */
function play(steps: Step[], maxOpen?: number) {
  const emitted: Emitted[] = [];
  const notices: MergeNotice<string>[] = [];
  const merger = new IntervalMerger<string>(
    (m) => {
      const s = summarizeMergedInterval(m);
      emitted.push({ seq: m.seq, t: s.t, requests: s.requests, latencies: m.histogram.totalCount, carried: m.carried });
    },
    { maxOpen, onNotice: (n) => notices.push(n) },
  );
  const played = { emitted, notices, accepted: 0, merger, more };
  function more(steps: Step[]): void {
    for (const step of steps) {
      if ('join' in step) for (const id of step.join) merger.join(id);
      else if ('add' in step) {
        const [member, seq, requests] = step.add;
        merger.add(member, report(seq, requests));
        played.accepted += requests;
      } else if ('leave' in step) merger.leave(step.leave);
      else if ('lose' in step) merger.lose(step.lose);
      else if ('flush' in step) merger.flush();
      else
        assert.deepEqual(
          emitted.map((e) => e.seq),
          step.expect,
          `after ${steps.indexOf(step)} steps`,
        );
    }
  }
  more(steps);
  return played;
}

/** The invariants of every stream: one interval per seq, in order, t rising, and every accepted request in it. */
function assertWellFormed({ emitted, accepted }: ReturnType<typeof play>): void {
  for (let k = 1; k < emitted.length; k++) {
    assert.ok((emitted[k] as Emitted).seq > (emitted[k - 1] as Emitted).seq, 'seqs strictly increase');
    assert.ok((emitted[k] as Emitted).t > (emitted[k - 1] as Emitted).t, 't strictly increases');
  }
  for (const e of emitted) assert.equal(e.latencies, e.requests, `interval ${e.seq}: one latency per response`);
  assert.equal(
    emitted.reduce((n, e) => n + e.requests, 0),
    accepted,
    'nothing disappears: the stream holds every accepted request',
  );
}

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

/** A report whose bytes or fields are wrong in one place. */
function broken(seq: number, spoil: (i: IntervalData) => void): IntervalData {
  const rec = new Recorder(['only']);
  rec.recordScheduledResponse(200, 1000, 500, 1, 1, 0);
  const i = rec.snapshot(seq, seq * 1000, (seq + 1) * 1000);
  spoil(i);
  return i;
}

const garbage = Uint8Array.from([0x1c, 0x84, 0x93, 0x14, 0, 0, 0, 4, 1, 2, 3, 4]);

/** An interval that must be refused with `code` after `setup` (played after members a and b join). */
interface Rejection {
  name: string;
  code: RejectionCode;
  setup: Step[];
  member: string;
  interval: IntervalData;
}

const rejections: Rejection[] = [
  { name: 'from a member that never joined', code: 'unknown-member', setup: [], member: 'z', interval: report(0, 1) },
  {
    name: 'from a member that left',
    code: 'member-left',
    setup: [{ leave: 'b' }],
    member: 'b',
    interval: report(0, 1),
  },
  {
    name: 'from a member that was lost',
    code: 'member-lost',
    setup: [{ lose: 'b' }],
    member: 'b',
    interval: report(0, 1),
  },
  {
    name: 'a seq sent twice',
    code: 'duplicate-seq',
    setup: [{ add: ['a', 0, 1] }],
    member: 'a',
    interval: report(0, 5),
  },
  {
    name: 'a seq below one already sent',
    code: 'out-of-order',
    setup: [{ add: ['b', 1, 1] }],
    member: 'b',
    interval: report(0, 5),
  },
  { name: 'a negative seq', code: 'bad-interval', setup: [], member: 'a', interval: { ...report(0, 1), seq: -1 } },
  {
    name: 'a time span that ends before it starts',
    code: 'bad-interval',
    setup: [],
    member: 'a',
    interval: { ...report(0, 1), endMs: -1 },
  },
  {
    name: 'a negative count',
    code: 'bad-interval',
    setup: [],
    member: 'a',
    interval: { ...report(0, 1), byStatus: { '200': -3 } },
  },
  {
    name: 'latency bytes that are not a histogram',
    code: 'bad-histogram',
    setup: [],
    member: 'a',
    interval: broken(0, (i) => {
      i.histogram = garbage;
    }),
  },
  {
    name: 'a good latency histogram but bad service-time bytes',
    code: 'bad-histogram',
    setup: [],
    member: 'a',
    interval: broken(0, (i) => {
      i.serviceHistogram = garbage;
    }),
  },
  {
    name: 'good histograms but one endpoint histogram truncated',
    code: 'bad-histogram',
    setup: [],
    member: 'a',
    interval: broken(0, (i) => {
      const e = i.endpoints?.[0];
      if (e) e.histogram = e.histogram.subarray(0, e.histogram.byteLength - 3);
    }),
  },
  {
    name: 'a seq that went out when nothing open can carry it (a member that joined late)',
    code: 'seq-flushed',
    setup: [{ add: ['a', 0, 1] }, { add: ['b', 0, 1] }, { join: ['late'] }],
    member: 'late',
    interval: report(0, 5),
  },
  {
    name: 'anything after the final flush',
    code: 'closed',
    setup: [{ flush: true }],
    member: 'a',
    interval: report(0, 1),
  },
];

describe('IntervalMerger refuses, changing nothing,', () => {
  // After the refused interval the run goes on; the stream must be what it would have been without it.
  const rest: Step[] = [{ add: ['a', 3, 7] }, { flush: true }];
  for (const r of rejections) {
    it(r.name, () => {
      const setup: Step[] = [{ join: ['a', 'b'] }, ...r.setup];
      const control = play(setup);
      const played = play(setup);
      const total = createTotalHistogram();
      assert.throws(
        () => played.merger.add(r.member, r.interval, [total]),
        (err: Error) => err instanceof IntervalRejectedError && err.code === r.code,
      );
      assert.equal(total.totalCount, 0, "nothing added to the caller's histograms either");
      if (r.code !== 'closed') {
        control.more(rest);
        played.more(rest);
      }
      assert.deepEqual(played.emitted, control.emitted);
      assert.deepEqual(played.notices, control.notices);
    });
  }
});
