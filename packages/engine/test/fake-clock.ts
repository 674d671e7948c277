import type { Clock, Timer } from '../src/clock.js';

interface Pending {
  at: number;
  /** Order of setting: timers due at the same time fire in the order they were set, as Node's do. */
  order: number;
  fn: () => void;
}

// A model that keeps queueing immediates without ever setting a timer would spin forever in virtual time
// (on the real clock, time would pass meanwhile); fail loudly instead of hanging the test.
const MAX_IMMEDIATES_AT_ONE_TIME = 1_000_000;

/**
 * Virtual time for the engine's models: nothing happens until a test moves time on, and then every timer due on
 * the way fires at exactly its time, in order, each followed by the immediates it queued. As Node's setTimeout, a
 * delay below 1 ms is 1 ms, so a model that re-arms a timer for "now" still moves on. Unlike Node's, a timer
 * fires neither early nor late: what a test sees is the model's arithmetic, not the machine's load.
 */
export class FakeClock implements Clock {
  private time: number;
  private order = 0;
  /** Pending timers, soonest first (ties by order). */
  private readonly timers: Pending[] = [];
  private immediates: Array<() => void> = [];

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): Timer {
    // Node would take NaN for 1 ms; here it is the model's bug, shown where it happens.
    if (Number.isNaN(ms)) throw new Error('setTimeout with a delay that is not a number');
    const timer: Pending = { at: this.time + Math.max(ms, 1), order: this.order++, fn };
    let i = this.timers.length;
    while (i > 0 && (this.timers[i - 1] as Pending).at > timer.at) i--;
    this.timers.splice(i, 0, timer);
    return timer as unknown as Timer;
  }

  clearTimeout(timer: Timer | undefined): void {
    const i = this.timers.indexOf(timer as unknown as Pending);
    if (i >= 0) this.timers.splice(i, 1);
  }

  setImmediate(fn: () => void): void {
    this.immediates.push(fn);
  }

  /**
   * A blocked thread: time moves on by `ms` and nothing fires meanwhile (timers due by then fire once time next
   * moves on, as a real loop runs them when the thread comes back to it).
   */
  sleep(ms: number): void {
    if (!(ms >= 0)) throw new Error(`sleep for ${ms} ms`);
    this.time += ms;
    this.slept.push(ms);
  }

  /** Every sleep so far, in ms: a test can tell a send waited for on a sleep from one on a timer. */
  readonly slept: number[] = [];

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.length;
  }

  /** Moves time on by `ms`, firing every timer due up to and including then. */
  advance(ms: number): void {
    this.advanceTo(this.time + ms);
  }

  /** Moves time on to `ms` (never back), firing every timer due up to and including then. */
  advanceTo(ms: number): void {
    if (ms < this.time) throw new Error(`time runs forward: now ${this.time} ms, asked for ${ms} ms`);
    while (this.fireNext(ms));
    this.time = ms;
  }

  /** Fires timers until none is left, and fails if that takes more than `limitMs` of virtual time. */
  runAll(limitMs = 3_600_000): void {
    const until = this.time + limitMs;
    while (this.fireNext(until));
    if (this.timers.length > 0) throw new Error(`timers still pending after ${limitMs} ms of virtual time`);
  }

  /** Runs the queued immediates, then fires the next timer if it is due by `until`; false if none was. */
  private fireNext(until: number): boolean {
    this.runImmediates();
    const next = this.timers[0];
    if (next === undefined || next.at > until) return false;
    this.timers.shift();
    // A timer that came due while the thread slept fires late, at the time the sleep ended.
    this.time = Math.max(this.time, next.at);
    next.fn();
    this.runImmediates();
    return true;
  }

  /** Runs queued immediates, and the ones they queue, before time moves on (time does not pass meanwhile). */
  runImmediates(): void {
    let ran = 0;
    while (this.immediates.length > 0) {
      const batch = this.immediates;
      this.immediates = [];
      for (const fn of batch) fn();
      ran += batch.length;
      if (ran > MAX_IMMEDIATES_AT_ONE_TIME) {
        throw new Error(`more than ${MAX_IMMEDIATES_AT_ONE_TIME} immediates at ${this.time} ms: time never moves on`);
      }
    }
  }
}
