import { type ClosedPlan, slotsOf } from '@volley/plan';
import type { Timer } from '../clock.js';
import { ModelRun } from '../model-run.js';
import { connectionsAt } from '../schedule.js';
import { FlowUsers } from './users.js';
import type { VirtualUser } from './virtual-user.js';

const RAMP_TICK_MS = 50;

/**
 * A flow in the closed model: `connections` virtual users, each beginning its next iteration when the last one
 * ended, until the duration has passed, the iteration budget (`requests`) is spent or a unique data set is used
 * up. With stages, the users above the ramp wait (after their iteration) until it reaches them.
 */
export class ClosedFlowRun extends ModelRun<ClosedPlan> {
  private users!: FlowUsers;
  private remaining = Number.POSITIVE_INFINITY;
  private active = 0;
  private readonly parked = new Set<VirtualUser>();
  private readonly over = new Set<VirtualUser>();
  private rampTimer: Timer | undefined;
  private outOfRows = false;

  protected begin(): void {
    if (this.plan.requests > 0) this.remaining = this.plan.requests;
    this.users = new FlowUsers(this.plan, this.strategy, this.givenStrategy);
    const run = this;
    this.users.create(
      slotsOf(this.plan),
      {
        get stopping() {
          return run.stopping;
        },
        sent: () => {
          this.started++;
        },
        seq: () => this.users.seq(),
        ended: (user) => this.next(user),
        // The data ran out: no iteration begins any more, those under way run to their end.
        exhausted: (user) => {
          this.outOfRows = true;
          this.idle(user);
        },
      },
      this.recorder,
      this.clock,
      false,
      this.connections,
    );
    this.exchanges.push(...this.users.users);
    if (this.plan.stages.length === 0) {
      this.active = this.users.users.length;
      for (const user of this.users.users) this.next(user);
      return;
    }
    for (const user of this.users.users) this.parked.add(user);
    this.ramp();
  }

  /** The user's next iteration, if the run still wants one. */
  private next(user: VirtualUser): void {
    if (this.stopping || this.outOfRows || this.remaining <= 0) {
      this.idle(user);
      return;
    }
    if (user.number - (this.plan.flow?.vuStart ?? 1) >= this.active) {
      this.parked.add(user);
      return;
    }
    this.remaining--;
    user.begin();
  }

  private idle(user: VirtualUser): void {
    this.parked.delete(user);
    this.over.add(user);
    if (this.over.size < this.users.users.length) return;
    // Every user is done: stop the ramp and the deadline, then end.
    this.stopping = true;
    this.clock.clearTimeout(this.rampTimer);
    this.finish();
  }

  protected override stop(): void {
    if (this.stopping) return;
    super.stop();
    this.clock.clearTimeout(this.rampTimer);
    for (const user of [...this.parked]) this.idle(user);
    // Users pausing between steps end now; those with a request in flight end on its reply.
    for (const user of this.users?.users ?? []) user.halt();
  }

  protected override afterAbort(): void {
    if (this.users && this.over.size === this.users.users.length) this.finish();
  }

  protected override finish(): void {
    super.finish();
    this.users?.release();
  }

  private ramp(): void {
    if (this.stopping) return;
    this.active = connectionsAt(this.plan.stages, this.clock.now() - this.t0) * this.plan.pipelining;
    for (const user of [...this.parked]) {
      if (user.number - (this.plan.flow?.vuStart ?? 1) < this.active && this.parked.delete(user)) this.next(user);
    }
    this.rampTimer = this.clock.setTimeout(() => this.ramp(), RAMP_TICK_MS);
  }
}
