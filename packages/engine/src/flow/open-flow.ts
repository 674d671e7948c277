import { type OpenPlan, slotsOf } from '@volley/plan';
import type { Timer } from '../clock.js';
import { LATE_AFTER_US } from '../late.js';
import { ModelRun } from '../model-run.js';
import { dueBeyond, type Schedule, scheduleOf } from '../schedule.js';
import { FlowUsers } from './users.js';
import type { VirtualUser } from './virtual-user.js';

const DUE_WITHIN_US = 0.5;

/**
 * A flow in the open model: `rate` iterations begin per second on the schedule's clock, each on a free virtual
 * user (at most `connections`). The first request of an iteration is measured from the iteration's intended
 * start, so a stall that holds iterations back shows in full; later steps follow their previous step and its
 * think time, which belong to the iteration, never to a request's latency. An iteration due while every user is
 * busy goes out late (counted); one never begun before the end is dropped (counted).
 */
export class OpenFlowRun extends ModelRun<OpenPlan> {
  private users!: FlowUsers;
  private schedule!: Schedule;
  private readonly free: VirtualUser[] = [];
  /** Iterations begun: the schedule's index. */
  private begun = 0;
  private inFlight = 0;
  /**
   * No iteration begins any more (a unique data set ran out, or the iteration budget is spent), those under way
   * run to their end; what the schedule still had due was never meant to be, so it is not counted as dropped.
   */
  private outOfRows = false;
  private timer: Timer | undefined;
  private readonly pumpLater = (): void => {
    this.timer = undefined;
    this.pump();
  };

  protected begin(): void {
    const { plan } = this;
    this.schedule = scheduleOf(plan);
    this.users = new FlowUsers(plan, this.strategy, this.givenStrategy);
    const run = this;
    this.users.create(
      slotsOf(plan),
      {
        get stopping() {
          return run.stopping;
        },
        sent: () => {
          this.started++;
        },
        seq: () => this.users.seq(),
        ended: (user) => this.release(user),
        // The data ran out: no iteration begins any more, those under way run to their end.
        exhausted: (user) => {
          this.begun--;
          this.outOfRows = true;
          this.release(user);
        },
      },
      this.recorder,
      this.clock,
      true,
      this.connections,
    );
    this.exchanges.push(...this.users.users);
    this.free.push(...this.users.users);
    this.pump();
  }

  private pump(): void {
    const { requests } = this.plan;
    const nowMs = this.clock.now() - this.t0;
    while (!this.stopping) {
      if (this.outOfRows) {
        if (this.inFlight === 0) this.stop();
        return;
      }
      if (requests > 0 && this.begun >= requests) {
        // The budget is spent: the iterations under way still run to their end.
        this.outOfRows = true;
        continue;
      }
      const dueUs = this.schedule.at(this.begun);
      if (dueUs === Number.POSITIVE_INFINITY) {
        if (this.plan.durationMs === 0) this.stop();
        break;
      }
      if (dueUs - nowMs * 1000 >= DUE_WITHIN_US) {
        if (this.timer === undefined) this.timer = this.clock.setTimeout(this.pumpLater, dueUs / 1000 - nowMs);
        return;
      }
      const user = this.free.pop();
      if (!user) return;
      if (nowMs * 1000 - dueUs > LATE_AFTER_US) this.recorder.recordLate();
      this.begun++;
      this.inFlight++;
      user.begin(this.t0 + dueUs / 1000);
    }
    this.endIfIdle();
  }

  private release(user: VirtualUser): void {
    this.inFlight--;
    this.free.push(user);
    if (this.stopping) this.endIfIdle();
    else this.pump();
  }

  protected override deadline(): void {
    this.pump();
    this.stop();
  }

  protected override stop(): void {
    if (this.stopping) return;
    super.stop();
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    for (const user of this.users?.users ?? []) user.halt();
    this.endIfIdle();
  }

  protected override afterAbort(): void {
    this.endIfIdle();
  }

  protected override finish(): void {
    super.finish();
    this.users?.release();
  }

  private endIfIdle(): void {
    if (!this.stopping || this.inFlight > 0) return;
    this.countDropped();
    this.finish();
  }

  /** Iterations due before the end that never began (every user was busy), as the open model counts sends. */
  private countDropped(): void {
    if (this.wasAborted || this.outOfRows || !this.schedule) return;
    const dropped = dueBeyond(this.schedule, this.begun, this.plan);
    if (dropped > 0) this.recorder.recordDropped(dropped);
  }
}
