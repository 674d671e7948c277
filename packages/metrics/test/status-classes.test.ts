import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ClassBuckets,
  encodeMergedInterval,
  type IntervalData,
  IntervalMerger,
  intervalDetail,
  LATENCY_BOUNDS_US,
  Recorder,
} from '../src/index.js';

/** Records `responses` ([status, latency µs]) into a fresh recorder and takes its interval. */
function recorded(responses: Array<[number, number]>, seq = 0, names: string[] = []): IntervalData {
  const rec = new Recorder(names);
  for (const [status, us] of responses) rec.recordResponse(status, us, 10, 10, names.length > 0 ? 0 : -1);
  return rec.snapshot(seq, seq * 1000, seq * 1000 + 1000);
}

/** Class -> its non-empty buckets, as `bound in µs (Infinity past the last): count`. */
function byClass(classes: readonly ClassBuckets[] | undefined): Record<number, Record<string, number>> {
  const out: Record<number, Record<string, number>> = {};
  for (const c of classes ?? []) {
    const mine: Record<string, number> = {};
    c.counts.forEach((n, i) => {
      if (n > 0) mine[String(LATENCY_BOUNDS_US[i] ?? Number.POSITIVE_INFINITY)] = n;
    });
    out[c.statusClass] = mine;
  }
  return out;
}

describe('latency by status class, in the Prometheus buckets', () => {
  it('a recorder counts each class in the buckets, splitting its histogram only once a second class comes', () => {
    const rec = new Recorder();
    rec.recordResponse(200, 100, 0, 0);
    rec.recordResponse(204, 300, 0, 0);
    assert.deepEqual(byClass(rec.snapshot(0, 0, 1000).classBuckets), { 2: { 100: 1, 500: 1 } });
    rec.recordResponse(200, 100, 0, 0);
    rec.recordResponse(201, 200, 0, 0);
    rec.recordResponse(503, 9000, 0, 0);
    rec.recordResponse(404, 40, 0, 0);
    rec.recordResponse(200, 150, 0, 0);
    rec.recordResponse(502, 90_000_000, 0, 0);
    const mixed = rec.snapshot(1, 1000, 2000);
    // The 2xx recorded before the first 503 count in their class too.
    assert.deepEqual(byClass(mixed.classBuckets), {
      2: { 100: 1, 250: 2 },
      4: { 100: 1 },
      5: { 10000: 1, Infinity: 1 },
    });
    const five = mixed.classBuckets?.find((c) => c.statusClass === 5);
    assert.ok(five && Math.abs(five.sumUs - 90_009_000) / 90_009_000 < 0.001, 'the sum of the class latencies');
    rec.recordResponse(503, 100, 0, 0);
    assert.deepEqual(byClass(rec.snapshot(2, 2000, 3000).classBuckets), { 5: { 100: 1 } }, 'a new interval');
    assert.equal(rec.snapshot(3, 3000, 4000).classBuckets, undefined, 'no responses, no classes');
  });

  it('a named request counts its own', () => {
    const data = recorded(
      [
        [200, 100],
        [500, 800],
      ],
      0,
      ['home'],
    );
    assert.deepEqual(byClass(data.endpoints?.[0]?.classBuckets), { 2: { 100: 1 }, 5: { 1000: 1 } });
  });

  it('the merger adds them up exactly, over reports of one class and of several, and sends them on', () => {
    const details: ReturnType<typeof intervalDetail>[] = [];
    const wire: IntervalData[] = [];
    const merger = new IntervalMerger<string>((m) => {
      details.push(intervalDetail(m));
      wire.push(encodeMergedInterval(m));
    });
    for (const id of ['ok', 'bad', 'mixed']) merger.join(id);
    merger.add('ok', recorded([[200, 100]]));
    merger.add('bad', recorded([[503, 1900]]));
    merger.add(
      'mixed',
      recorded([
        [200, 120],
        [502, 2000],
        [301, 50],
      ]),
    );
    merger.flush();
    const classes = details[0]?.classes ?? [];
    assert.deepEqual(
      classes.map((c) => [c.statusClass, c.counts.reduce((a, b) => a + b, 0)]),
      [
        ['2xx', 2],
        ['3xx', 1],
        ['5xx', 2],
      ],
    );
    assert.ok(Math.abs((classes[2]?.sumSeconds ?? 0) - 0.0039) < 0.00001);
    // Re-encoded (an agent's threads merged), they cross the wire again, and merge again.
    assert.deepEqual(byClass(wire[0]?.classBuckets), { 2: { 100: 1, 250: 1 }, 3: { 100: 1 }, 5: { 2500: 2 } });
  });

  it('refuses class buckets that disagree with the statuses, having merged nothing', () => {
    const out: number[] = [];
    const merger = new IntervalMerger<string>((m) => out.push(m.histogram.totalCount));
    merger.join('a');
    const good = recorded([
      [200, 100],
      [503, 900],
    ]);
    const [two, five] = good.classBuckets ?? [];
    assert.ok(two && five);
    const bad: Array<[string, ClassBuckets[] | undefined, RegExp]> = [
      ['none', undefined, /has 2xx statuses and no 2xx buckets/],
      ['one missing', [two], /has 5xx statuses and no 5xx buckets/],
      ['one twice', [two, two, five], /bad or repeated status class 2/],
      ['a class of 10', [two, five, { ...five, statusClass: 10 }], /bad or repeated status class 10/],
      [
        'a count too many',
        [two, { ...five, counts: five.counts.map((n, i) => (i === 0 ? n + 1 : n)) }],
        /5xx buckets hold 2 responses, its statuses 1/,
      ],
      [
        'a negative count',
        [two, { ...five, counts: five.counts.map((n, i) => (i === 0 ? -1 : i === 5 ? n + 1 : n)) }],
        /bucket count -1 is not a count/,
      ],
      ['too few buckets', [two, { ...five, counts: five.counts.slice(1) }], /have 18 buckets, not 19/],
      ['a sum that is not one', [two, { ...five, sumUs: Number.NaN }], /latency sum NaN is not a sum/],
    ];
    for (const [what, classBuckets, reason] of bad) {
      assert.throws(() => merger.add('a', { ...good, classBuckets }), reason, what);
    }
    const named = recorded([[200, 1]], 0, ['home']);
    const endpoint = named.endpoints?.[0];
    assert.ok(endpoint);
    assert.throws(
      () => merger.add('a', { ...named, endpoints: [{ ...endpoint, classBuckets: [] }] }),
      /home has 2xx statuses and no 2xx buckets/,
    );
    merger.add('a', good);
    merger.flush();
    assert.deepEqual(out, [2], 'only the good report counted');
  });
});
