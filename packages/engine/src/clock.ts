declare const timerBrand: unique symbol;

/** A pending timer, as a Clock hands it out: opaque, only good for that Clock's `clearTimeout`. */
export type Timer = { readonly [timerBrand]: true };

/**
 * Where the workload models get time and timers from: the real event loop in a run, virtual time in a test, so a
 * schedule is checked exactly instead of against the wall clock with a tolerance. The models call it on the hot
 * path (`now()` at each send and completion), so it stays five methods on one object, called through a stored
 * reference: nothing is allocated per call.
 */
export interface Clock {
  /** Milliseconds as a float, performance.now() semantics: monotonic, from an arbitrary origin. */
  now(): number;
  /** Calls `fn` once, no sooner than `ms` from now (as Node's setTimeout: below 1 ms counts as 1 ms). */
  setTimeout(fn: () => void, ms: number): Timer;
  /** Cancels a timer of this clock; a timer that has fired, or none, is ignored. */
  clearTimeout(timer: Timer | undefined): void;
  /** Calls `fn` in a later turn, before any timer that is not yet due: for going on without growing the stack. */
  setImmediate(fn: () => void): void;
  /**
   * Blocks this thread for `ms` (under a millisecond): for a send due sooner than a timer can fire, when nothing
   * else of the run can happen meanwhile. The event loop turns no more until it returns.
   */
  sleep(ms: number): void;
}

/** What the real clock's sleep waits on: nothing ever notifies it, so each wait runs to its timeout. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Milliseconds this thread has slept in realClock.sleep, in all. */
let slept = 0;

/**
 * Milliseconds this thread has spent blocked in realClock.sleep so far: time its event loop counts as busy though
 * it used no CPU, which a measure of the loop's utilisation takes out again (see ThreadHealth).
 */
export function sleptMs(): number {
  return slept;
}

/** The process's own clock and timers: what every run uses unless a test gives it another. */
export const realClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as Timer,
  clearTimeout: (timer) => clearTimeout(timer as unknown as NodeJS.Timeout | undefined),
  setImmediate: (fn) => {
    setImmediate(fn);
  },
  sleep: (ms) => {
    const from = performance.now();
    // A futex wait: no CPU while it lasts, and it wakes 50-100 µs late (Linux's timer slack), not a millisecond.
    Atomics.wait(sleeper, 0, 0, ms);
    slept += performance.now() - from;
  },
};
