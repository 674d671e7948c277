import type { Recorder } from '@volley/metrics';
import type { OpenPlan } from '@volley/plan';
import type { Clock, Timer } from './clock.js';
import { LATE_AFTER_US } from './late.js';
import { dueBeyond, type Schedule, scheduleOf } from './schedule.js';

/**
 * A send due less than this far ahead (µs) is due now. The pump's timer fires at now + (due - now), which float
 * rounding can land a hair short of the due time; re-armed for that hair, a timer waits Node's minimum of 1 ms,
 * and the send would go out 1 ms late. Half a microsecond is below anything the engine measures.
 */
const DUE_WITHIN_US = 0.5;

/**
 * A send due sooner than this (µs), with nothing in flight, is waited for by sleeping the thread rather than on a
 * timer: Node's timers fire on whole milliseconds of its loop's clock, so a send on a timer went out up to a
 * millisecond late, and its latency, measured from when it was due, said so. With nothing in flight no response
 * can wait on the sleep, and at rates where something always is, completions pump and timers matter little.
 */
const SLEEP_WITHIN_US = 1000;

/**
 * What a pacer asks of the open-model run that owns it. The run itself implements it (methods on its class, not
 * a literal of closures made per run): a getter in an object literal gave each run's host a hidden class of its
 * own, so the pump the warm-up had optimized deoptimized at the real run's first sends, and the run began on
 * cold code, late (see warm-up.ts).
 */
export interface PacerHost<U> {
  /** The run is stopping: nothing more begins. */
  isStopping(): boolean;
  /** Nothing more will begin and nothing is in flight, or the schedule is over: stop the run. */
  stopRun(): void;
  /** The run is stopping and a unit came free: end the run if it was the last in flight. */
  idle(): void;
  /** Begins on `unit` now what was due at `intendedAt` (clock time): a request, or a flow's iteration. */
  fire(unit: U, intendedAt: number): void;
}

/**
 * The open model's schedule keeper, for plain requests and flow iterations alike: whatever is due goes out on a
 * free unit (a connection, a virtual user), late ones counted, then it sleeps until the next is due. Nothing
 * pending is stored: unit n is due at schedule.at(n), so only the count begun is kept.
 */
export class Pacer<U> {
  /** Units begun: the schedule's index. */
  begun = 0;
  inFlight = 0;
  private readonly schedule: Schedule;
  /** Nothing begins any more (the budget is spent, or the data ran out); those under way run to their end. */
  private draining = false;
  /** The data ran out: what the schedule still had due was never meant to be, so it is not dropped. */
  private outOfRows = false;
  private timer: Timer | undefined;
  private readonly pumpLater = (): void => {
    this.timer = undefined;
    this.pump();
  };

  constructor(
    private readonly host: PacerHost<U>,
    private readonly plan: Pick<OpenPlan, 'rate' | 'stages' | 'durationMs' | 'requests'>,
    private readonly free: U[],
    private readonly clock: Clock,
    /** clock.now() at the run's start. */
    private readonly t0: number,
    private readonly recorder: Recorder,
  ) {
    this.schedule = scheduleOf(plan);
  }

  /** Begins everything that is due and has a free unit, then sleeps until the next one is due. */
  pump(): void {
    const { requests } = this.plan;
    let nowMs = this.clock.now() - this.t0;
    while (!this.host.isStopping()) {
      if (this.draining || (requests > 0 && this.begun >= requests)) {
        this.draining = true;
        if (this.inFlight === 0) this.host.stopRun();
        return;
      }
      const dueUs = this.schedule.at(this.begun);
      if (dueUs === Number.POSITIVE_INFINITY) {
        // Nothing more is due, but a run with a duration lasts it, so that its rate is what was sent over the
        // time asked for (-R 0.1 -d 5s is 0.2 req/s, not one request over its own few milliseconds); the
        // deadline stops it.
        if (this.plan.durationMs === 0) this.host.stopRun();
        return;
      }
      const waitUs = dueUs - nowMs * 1000;
      if (waitUs >= DUE_WITHIN_US) {
        if (waitUs < SLEEP_WITHIN_US && this.inFlight === 0) {
          this.clock.sleep(waitUs / 1000);
          nowMs = this.clock.now() - this.t0;
          continue;
        }
        if (this.timer === undefined) this.timer = this.clock.setTimeout(this.pumpLater, dueUs / 1000 - nowMs);
        return;
      }
      const unit = this.free.pop();
      if (unit === undefined) return; // every unit is busy: the next one to come free pumps again
      if (nowMs * 1000 - dueUs > LATE_AFTER_US) this.recorder.recordLate();
      this.begun++;
      this.inFlight++;
      this.host.fire(unit, this.t0 + dueUs / 1000);
    }
  }

  /** A unit is free again. */
  release(unit: U): void {
    this.inFlight--;
    this.free.push(unit);
    if (this.host.isStopping()) this.host.idle();
    else this.pump();
  }

  /** A unit that was fired could not begin (its data ran out): nothing more begins, those under way finish. */
  exhausted(unit: U): void {
    this.begun--;
    this.draining = true;
    this.outOfRows = true;
    this.release(unit);
  }

  /** The run is stopping: no timer is left behind. */
  cancel(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Counts what was due before the end but never began, every unit being busy (k6's dropped iterations), so an
   * overloaded run shows it instead of only an achieved rate below the asked one.
   */
  countDropped(): void {
    if (this.outOfRows) return;
    const dropped = dueBeyond(this.schedule, this.begun, this.plan);
    if (dropped > 0) this.recorder.recordDropped(dropped);
  }
}
