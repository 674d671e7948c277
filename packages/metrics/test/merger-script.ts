// The merger tests' script: steps played on a real IntervalMerger, and the invariants every stream must keep.
import assert from 'node:assert/strict';
import {
  type IntervalData,
  IntervalMerger,
  type MergeNotice,
  Recorder,
  summarizeMergedInterval,
} from '../src/index.js';

/** One member's report of interval `seq` (1 s long): `requests` responses, each of `seq + 1` ms. */
export function report(seq: number, requests: number): IntervalData {
  const rec = new Recorder();
  for (let i = 0; i < requests; i++) rec.recordResponse(200, (seq + 1) * 1000, 10, 20);
  return rec.snapshot(seq, seq * 1000, (seq + 1) * 1000);
}

/** What the merger emitted, reduced to what the tests compare. */
export interface Emitted {
  seq: number;
  t: number;
  requests: number;
  /** Values in the merged histogram: must equal the responses, always. */
  latencies: number;
  /** Its buckets' counts added up: the values it holds, unless a refused report left some behind. */
  inBuckets: number;
  carried: number;
}

/** join ids | add member seq requests | leave member | lose member | flush | expect: seqs emitted so far. */
export type Step =
  | { join: string[] }
  | { add: [member: string, seq: number, requests: number] }
  | { leave: string }
  | { lose: string }
  | { flush: true }
  | { expect: number[] };

/** Plays `steps` on a new merger; `more` plays further steps on the same one. */
export function play(steps: Step[], maxOpen?: number) {
  const emitted: Emitted[] = [];
  const notices: MergeNotice<string>[] = [];
  const merger = new IntervalMerger<string>(
    (m) => {
      const s = summarizeMergedInterval(m);
      const latencies = m.histogram.totalCount;
      const buckets = (m.histogram as unknown as { _counts: ArrayLike<number> })._counts;
      let inBuckets = 0;
      for (let i = 0; i < buckets.length; i++) inBuckets += buckets[i] as number;
      emitted.push({ seq: m.seq, t: s.t, requests: s.requests, latencies, inBuckets, carried: m.carried });
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
export function assertWellFormed({ emitted, accepted }: ReturnType<typeof play>): void {
  for (let k = 1; k < emitted.length; k++) {
    assert.ok((emitted[k] as Emitted).seq > (emitted[k - 1] as Emitted).seq, 'seqs strictly increase');
    assert.ok((emitted[k] as Emitted).t > (emitted[k - 1] as Emitted).t, 't strictly increases');
  }
  for (const e of emitted) {
    assert.equal(e.latencies, e.requests, `interval ${e.seq}: one latency per response`);
    assert.equal(e.inBuckets, e.latencies, `interval ${e.seq}: its buckets hold what it counts`);
  }
  assert.equal(
    emitted.reduce((n, e) => n + e.requests, 0),
    accepted,
    'nothing disappears: the stream holds every accepted request',
  );
}
