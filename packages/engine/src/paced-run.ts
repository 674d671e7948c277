import type { OpenPlan } from '@volley/plan';
import { ModelRun } from './model-run.js';
import { Pacer, type PacerHost } from './pacer.js';

/**
 * An open-model run, of plain requests or of a flow's iterations: its units (connections, virtual users) begin on
 * the schedule's clock through a Pacer, whose host the run itself is (see PacerHost). What both kinds share lives
 * here: the deadline, stopping, and ending once nothing is in flight, with the sends never begun counted.
 */
export abstract class PacedRun<U> extends ModelRun<OpenPlan> implements PacerHost<U> {
  protected pacer: Pacer<U> | undefined;

  /** Paces `units` from now on: whatever is due goes out at once. */
  protected pace(units: U[]): void {
    this.pacer = new Pacer(this, this.plan, units, this.clock, this.t0, this.recorder);
    this.pacer.pump();
  }

  isStopping(): boolean {
    return this.stopping;
  }

  stopRun(): void {
    this.stop();
  }

  abstract fire(unit: U, intendedAt: number): void;

  /** Units due before the deadline whose timer has not fired yet still go out (they are late, not dropped). */
  protected override deadline(): void {
    this.pacer?.pump();
    this.stop();
  }

  protected override stop(): void {
    super.stop();
    this.pacer?.cancel();
    this.halt();
    // With nothing in flight no completion will come to end the run: end it here.
    this.idle();
  }

  /** What stopping does to the units under way (nothing, by default), before the run ends if none is in flight. */
  protected halt(): void {}

  protected override afterAbort(): void {
    this.idle();
  }

  /** Ends the run if it is stopping and nothing is in flight. */
  idle(): void {
    if (!this.stopping || (this.pacer?.inFlight ?? 0) > 0) return;
    // Sends due before the end that never went out are counted in the last interval; an aborted run has no end
    // to have been due before.
    if (!this.wasAborted) this.pacer?.countDropped();
    this.finish();
  }
}
