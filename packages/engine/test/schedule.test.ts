import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionsAt, next, RateSchedule, STOP } from '../src/index.js';

/** How many requests a schedule sends before `untilUs`. */
function countBefore(schedule: RateSchedule, untilUs: number): number {
  let n = 0;
  while (schedule.at(n) < untilUs) n++;
  return n;
}

describe('RateSchedule', () => {
  it('spaces a constant rate evenly and ends at the duration', () => {
    const s = RateSchedule.constant(400, 3000);
    assert.equal(s.at(0), 0);
    assert.equal(s.at(1), 2500);
    assert.equal(s.at(400), 1_000_000);
    assert.equal(s.at(1199), 2_997_500);
    assert.equal(s.at(1200), Number.POSITIVE_INFINITY, 'request 1200 would be due at 3 s, the end');
  });

  it('never ends without a duration', () => {
    const s = RateSchedule.constant(1000, 0);
    assert.equal(s.at(10_000_000), 10_000_000_000);
  });

  it('sends what the integral of a ramp says', () => {
    // 0 -> 1000/s over 10 s (area 5,000), hold 1000/s for 5 s (5,000), down to 200/s over 5 s (3,000).
    const s = new RateSchedule(0, [
      { durationMs: 10_000, target: 1000 },
      { durationMs: 5000, target: 1000 },
      { durationMs: 5000, target: 200 },
    ]);
    const total = countBefore(s, Number.POSITIVE_INFINITY - 1);
    assert.ok(Math.abs(total - 13_000) <= 1, `sent ${total}`);
    // Under a linear ramp from 0, half the time holds a quarter of the requests.
    assert.ok(Math.abs(countBefore(s, 5_000_000) - 1250) <= 1);
    assert.ok(Math.abs(countBefore(s, 12_500_000) - 7500) <= 1);
  });

  it('keeps intended times increasing across segment boundaries', () => {
    const s = new RateSchedule(50, [
      { durationMs: 1000, target: 500 },
      { durationMs: 1000, target: 20 },
      { durationMs: 1000, target: 0 },
    ]);
    let previous = -1;
    for (let n = 0; ; n++) {
      const t = s.at(n);
      if (t === Number.POSITIVE_INFINITY) break;
      assert.ok(t > previous, `request ${n} at ${t} is not after ${previous}`);
      assert.ok(t < 3_000_000);
      previous = t;
    }
  });

  it('answers out-of-order questions the same as in-order ones', () => {
    const s = new RateSchedule(0, [
      { durationMs: 2000, target: 100 },
      { durationMs: 2000, target: 100 },
    ]);
    const inOrder = [0, 50, 99, 100, 101, 250].map((n) => s.at(n));
    const fresh = new RateSchedule(0, [
      { durationMs: 2000, target: 100 },
      { durationMs: 2000, target: 100 },
    ]);
    const reversed = [250, 101, 100, 99, 50, 0].map((n) => fresh.at(n)).reverse();
    assert.deepEqual(reversed, inOrder);
  });

  it('a rate of zero sends nothing until it rises', () => {
    const s = new RateSchedule(0, [
      { durationMs: 1000, target: 0 },
      { durationMs: 1000, target: 100 },
    ]);
    assert.ok(s.at(0) >= 1_000_000);
    assert.equal(countBefore(s, Number.POSITIVE_INFINITY - 1), 50);
  });
});

describe('next(), the pacer view of a schedule', () => {
  it('says how long to wait, 0 when overdue, STOP at the end', () => {
    const s = RateSchedule.constant(100, 1000);
    assert.equal(next(s, 0, 0), 0);
    assert.equal(next(s, 4000, 1), 6000);
    assert.equal(next(s, 50_000, 1), 0, 'overdue');
    assert.equal(next(s, 990_000, 100), STOP);
  });
});

describe('connectionsAt, the closed model ramp', () => {
  const stages = [
    { durationMs: 1000, target: 10 },
    { durationMs: 1000, target: 10 },
    { durationMs: 2000, target: 0 },
  ];
  it('ramps linearly from 0 through each target', () => {
    assert.equal(connectionsAt(stages, 0), 0);
    assert.equal(connectionsAt(stages, 500), 5);
    assert.equal(connectionsAt(stages, 1000), 10);
    assert.equal(connectionsAt(stages, 1999), 10);
    assert.equal(connectionsAt(stages, 3000), 5);
    assert.equal(connectionsAt(stages, 4000), 0);
    assert.equal(connectionsAt(stages, 9000), 0, 'stays at the last target after the end');
  });
});
