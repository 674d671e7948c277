import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createTotalHistogram,
  encodeHistogram,
  type IntervalData,
  IntervalMerger,
  IntervalRejectedError,
  Recorder,
  type RejectionCode,
} from '../src/index.js';
import { bucketsOf } from '../src/status-classes.js';
import { play, report, type Step } from './merger-script.js';

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
    name: 'a latency histogram holding fewer values than the responses counted',
    code: 'bad-histogram',
    setup: [],
    member: 'a',
    interval: broken(0, (i) => {
      i.byStatus['200'] = 5;
    }),
  },
  {
    name: "an endpoint's histogram holding more values than its responses",
    code: 'bad-histogram',
    setup: [],
    member: 'a',
    interval: broken(0, (i) => {
      const e = i.endpoints?.[0];
      if (e) e.byStatus = {};
    }),
  },
  // Into an interval open already, the latency histogram goes straight into its buckets before the counts are
  // checked: a refusal takes it back out.
  {
    name: 'into an open interval: a latency histogram holding fewer values than the responses counted',
    code: 'bad-histogram',
    setup: [{ add: ['b', 0, 1] }],
    member: 'a',
    interval: broken(0, (i) => {
      i.byStatus['200'] = 5;
    }),
  },
  {
    name: 'into an open interval: latency bytes whose last word runs past their end',
    code: 'bad-histogram',
    setup: [{ add: ['b', 0, 1] }],
    member: 'a',
    interval: broken(0, (i) => {
      const bytes = Uint8Array.from(i.histogram);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) | 0x80;
      i.histogram = bytes;
    }),
  },
  {
    name: 'into an open interval: a bucket count past 32 bits after others were added',
    code: 'bad-histogram',
    setup: [{ add: ['b', 0, 1] }],
    member: 'a',
    interval: broken(0, (i) => {
      const h = createTotalHistogram();
      h.recordValue(1000);
      h.recordValueWithCount(1500, 2 ** 32);
      i.histogram = encodeHistogram(h);
    }),
  },
  {
    name: 'into an open interval: a service-time histogram of a layout the library cannot build (highest < 2 x lowest)',
    code: 'bad-histogram',
    setup: [{ add: ['b', 0, 1] }],
    member: 'a',
    interval: broken(0, (i) => {
      // One value, as the responses: every count agrees, only the layout is impossible.
      const raw = Buffer.from(encodeHistogram(createTotalHistogram()));
      const payload = Buffer.from([2]); // a count of 1 in bucket 0
      const bytes = Buffer.concat([raw.subarray(0, 40), payload]);
      bytes.writeInt32BE(payload.byteLength, 4);
      bytes.writeBigInt64BE(1000n, 16);
      bytes.writeBigInt64BE(1000n, 24);
      i.serviceHistogram = bytes;
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
      let heard = 0;
      assert.throws(
        () => played.merger.add(r.member, r.interval, () => heard++),
        (err: Error) => err instanceof IntervalRejectedError && err.code === r.code,
      );
      assert.equal(heard, 0, 'the caller heard of no accepted report either');
      if (r.code !== 'closed') {
        control.more(rest);
        played.more(rest);
      }
      assert.deepEqual(played.emitted, control.emitted);
      assert.deepEqual(played.notices, control.notices);
    });
  }
});

describe('IntervalMerger, when a check throws rather than refuses', () => {
  it('takes back what went into the open interval already: its buckets stay as they were', () => {
    const setup: Step[] = [{ join: ['a', 'b'] }, { add: ['b', 0, 3] }];
    const control = play(setup);
    const played = play(setup);
    // Not from the wire (its decoder builds no such thing): a report whose class buckets are not objects.
    const malformed = { ...report(0, 3), classBuckets: [null] } as unknown as IntervalData;
    assert.throws(() => played.merger.add('a', malformed), TypeError);
    const rest: Step[] = [{ add: ['a', 1, 2] }, { flush: true }];
    control.more(rest);
    played.more(rest);
    assert.deepEqual(played.emitted, control.emitted);
  });
});

describe('IntervalMerger and counts no 32-bit bucket holds', () => {
  /** A report of `n` responses, all in one bucket: counts only a hostile agent sends. */
  function huge(seq: number, ...buckets: number[]): IntervalData {
    const h = createTotalHistogram();
    for (const [i, n] of buckets.entries()) h.recordValueWithCount(1000 * (i + 1), n);
    const n = buckets.reduce((a, b) => a + b, 0);
    const classBuckets = [{ statusClass: 2, ...bucketsOf(h) }];
    return { ...report(seq, 0), histogram: encodeHistogram(h), byStatus: { '200': n }, classBuckets };
  }

  it('refuses the report that would wrap a bucket of the interval, and keeps the count it had', () => {
    const out: number[] = [];
    const merger = new IntervalMerger<string>((m) => out.push(m.histogram.totalCount));
    for (const id of ['a', 'b', 'c']) merger.join(id);
    merger.add('a', huge(0, 3_000_000_000));
    let heard = 0;
    const accepted = () => heard++;
    assert.throws(
      () => merger.add('b', huge(0, 2_000_000_000), accepted),
      (err: Error) =>
        err instanceof IntervalRejectedError &&
        /latency histogram: the interval would hold more than/.test(err.message),
    );
    // Each bucket fits 32 bits, their sum does not: refused even into an interval of its own.
    assert.throws(
      () => merger.add('c', huge(1, 2_500_000_000, 2_500_000_000), accepted),
      /more than 4294967295 values/,
    );
    assert.equal(heard, 0, 'the caller heard of neither');
    merger.add('b', report(0, 5));
    merger.add('c', report(0, 2));
    merger.flush();
    assert.deepEqual(out, [3_000_000_007], 'no bucket wrapped: every accepted value is counted');
  });
});
