import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createIntervalHistogram,
  decodeHistogram,
  decodeHistogramBase64,
  encodeHistogram,
  encodeMergedInterval,
  type IntervalData,
  IntervalMerger,
  intervalDetail,
  Recorder,
} from '../src/index.js';

/** Records `responses` ([status, latency µs]) into a fresh recorder and takes its interval. */
function recorded(responses: Array<[number, number]>, seq = 0, names: string[] = []): IntervalData {
  const rec = new Recorder(names);
  for (const [status, us] of responses) rec.recordResponse(status, us, 10, 10, names.length > 0 ? 0 : -1);
  return rec.snapshot(seq, seq * 1000, seq * 1000 + 1000);
}

/** Class -> [count, max] of a list of class histograms as the wire holds them. */
function byClass(classes: IntervalData['classHistograms']): Record<number, [number, number]> {
  const out: Record<number, [number, number]> = {};
  for (const c of classes ?? []) {
    const h = decodeHistogram(c.histogram);
    out[c.statusClass] = [h.totalCount, h.maxValue];
    h.destroy();
  }
  return out;
}

describe('latency by status class', () => {
  it('a recorder keeps a histogram per class only in an interval with several classes', () => {
    const rec = new Recorder();
    rec.recordResponse(200, 100, 0, 0);
    rec.recordResponse(204, 300, 0, 0);
    const one = rec.snapshot(0, 0, 1000);
    assert.equal(one.classHistograms, undefined, 'one class: the latency histogram is its own');
    rec.recordResponse(200, 100, 0, 0);
    rec.recordResponse(201, 200, 0, 0);
    rec.recordResponse(503, 9000, 0, 0);
    rec.recordResponse(404, 40, 0, 0);
    rec.recordResponse(200, 150, 0, 0);
    const mixed = rec.snapshot(1, 1000, 2000);
    assert.deepEqual(Object.keys(byClass(mixed.classHistograms)), ['2', '4', '5']);
    const classes = byClass(mixed.classHistograms);
    assert.equal(classes[2]?.[0], 3, 'the 2xx recorded before the 503 are copied into their class');
    assert.equal(classes[5]?.[0], 1);
    assert.ok(Math.abs((classes[5]?.[1] ?? 0) - 9000) < 10);
    assert.equal(classes[4]?.[0], 1);
    rec.recordResponse(503, 100, 0, 0);
    assert.equal(rec.snapshot(2, 2000, 3000).classHistograms, undefined, 'a new interval starts with none');
  });

  it('a named request keeps its own split', () => {
    const data = recorded(
      [
        [200, 100],
        [500, 800],
      ],
      0,
      ['home'],
    );
    assert.deepEqual(byClass(data.endpoints?.[0]?.classHistograms), { 2: [1, 100], 5: [1, 800] });
    assert.equal(data.classHistograms?.length, 2);
  });

  it('the merger adds single-class and split reports into exact class histograms', () => {
    const details: ReturnType<typeof intervalDetail>[] = [];
    const wire: IntervalData[] = [];
    const merger = new IntervalMerger<string>((m) => {
      details.push(intervalDetail(m));
      wire.push(encodeMergedInterval(m));
    });
    for (const id of ['ok', 'bad', 'mixed', 'also-ok']) merger.join(id);
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
    merger.add(
      'also-ok',
      recorded([
        [200, 110],
        [201, 130],
      ]),
    );
    merger.flush();
    const classes = details[0]?.classes ?? [];
    assert.deepEqual(
      classes.map((c) => c.statusClass),
      ['2xx', '3xx', '5xx'],
    );
    const counts = classes.map((c) => {
      const h = decodeHistogramBase64(c.histogram);
      const n = h.totalCount;
      h.destroy();
      return n;
    });
    assert.deepEqual(counts, [4, 1, 2]);
    // Re-encoded (an agent's threads merged), the split crosses the wire again, and merges again.
    assert.deepEqual(byClass(wire[0]?.classHistograms), { 2: [4, 130], 3: [1, 50], 5: [2, 2000] });
  });

  it('an interval of one class everywhere has that class only, sharing the merged histogram', () => {
    const details: ReturnType<typeof intervalDetail>[] = [];
    const merger = new IntervalMerger<string>((m) => details.push(intervalDetail(m)));
    merger.join('a');
    merger.join('b');
    merger.add('a', recorded([[200, 100]], 0, ['home']));
    merger.add('b', recorded([[200, 300]], 0, ['home']));
    merger.flush();
    const home = details[0]?.endpoints[0];
    assert.deepEqual(
      home?.classes.map((c) => c.statusClass),
      ['2xx'],
    );
    assert.equal(home?.classes[0]?.histogram, home?.histogram);
  });

  it('refuses class histograms that disagree with the statuses, having merged nothing', () => {
    const merger = new IntervalMerger<string>(() => {});
    merger.join('a');
    const good = recorded([
      [200, 100],
      [503, 900],
    ]);
    const missing = { ...good, classHistograms: undefined };
    assert.throws(() => merger.add('a', missing), /statuses of several classes and no histogram per class/);
    const swapped = {
      ...good,
      classHistograms: (good.classHistograms ?? []).map((c, i) => ({ ...c, statusClass: i === 0 ? 4 : 5 })),
    };
    assert.throws(() => merger.add('a', swapped), /4xx histogram holds 1 values for 0 responses/);
    const twice = { ...good, classHistograms: [good.classHistograms?.[0], good.classHistograms?.[0]] };
    assert.throws(() => merger.add('a', twice as IntervalData), /bad or repeated status class 2/);
    const h = createIntervalHistogram();
    h.recordValue(100);
    const extra = { ...recorded([[200, 100]]), classHistograms: [{ statusClass: 2, histogram: encodeHistogram(h) }] };
    assert.throws(() => merger.add('a', extra), /class histograms do not match its statuses/);
    const endpoint = recorded(
      [
        [200, 1],
        [500, 2],
      ],
      0,
      ['home'],
    );
    const e = endpoint.endpoints?.[0];
    assert.ok(e);
    const broken = { ...endpoint, endpoints: [{ ...e, classHistograms: undefined }] };
    assert.throws(() => merger.add('a', broken), /home has statuses of several classes/);
    merger.add('a', good);
  });
});
