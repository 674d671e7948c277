import { slotsOf } from '@volley/plan';
import { PacedRun } from '../paced-run.js';
import { FlowUsers } from './users.js';
import type { VirtualUser } from './virtual-user.js';

/**
 * A flow in the open model: `rate` iterations begin per second on the schedule's clock, each on a free virtual
 * user (at most `connections`). The first request of an iteration is measured from the iteration's intended
 * start, so a stall that holds iterations back shows in full; later steps follow their previous step and its
 * think time, which belong to the iteration, never to a request's latency. An iteration due while every user is
 * busy goes out late (counted); one never begun before the end is dropped (counted).
 */
export class OpenFlowRun extends PacedRun<VirtualUser> {
  private users!: FlowUsers;

  protected begin(): void {
    const { plan } = this;
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
        ended: (user) => this.pacer?.release(user),
        // The data ran out: no iteration begins any more, those under way run to their end.
        exhausted: (user) => this.pacer?.exhausted(user),
      },
      this.recorder,
      this.clock,
      true,
      this.connections,
    );
    this.exchanges.push(...this.users.users);
    this.pace([...this.users.users]);
  }

  fire(user: VirtualUser, intendedAt: number): void {
    user.begin(intendedAt);
  }

  protected override stop(): void {
    if (this.stopping) return;
    super.stop();
  }

  protected override halt(): void {
    for (const user of this.users?.users ?? []) user.halt();
  }

  protected override finish(): void {
    super.finish();
    this.users?.release();
  }
}
