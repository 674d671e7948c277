import type { Recorder } from '@volley/metrics';
import type { Connection } from './client/index.js';
import type { Clock } from './clock.js';
import { Exchange } from './exchange.js';
import type { RequestMix } from './request-template.js';

/** What a loop asks of the run that owns it. */
export interface LoopHost {
  /** May this loop send one more request? Counts it as started if so. */
  take(loop: ClosedLoop): boolean;
  /** take() said no: the loop has stopped, for good or until the host wakes it. */
  idle(loop: ClosedLoop): void;
}

/** The closed model's unit: one connection that sends its next request as soon as the last one ended. */
export class ClosedLoop extends Exchange {
  private readonly nextSoon: () => void;

  constructor(
    private readonly host: LoopHost,
    connection: Connection,
    mix: RequestMix,
    recorder: Recorder,
    clock: Clock,
    /** Position among the run's loops: with connection stages, loops below the ramp's value run. */
    readonly index = 0,
  ) {
    super(connection, mix, recorder, clock);
    this.nextSoon = () => this.next();
  }

  /** Sends the next request, or goes idle if the run says no. */
  next(): void {
    if (!this.host.take(this)) {
      this.host.idle(this);
      return;
    }
    this.send();
  }

  protected completed(): void {
    const latencyUs = Math.round((this.clock.now() - this.sentAt) * 1000);
    this.recorder.recordResponse(this.status, latencyUs, this.template.bytesOut, this.bytesIn, this.template.endpoint);
    this.next();
  }

  protected failed(): void {
    // An error can arrive synchronously from dispatch(); going on in the next turn keeps the stack flat and a
    // refused connection from spinning the event loop without ever yielding to timers.
    this.clock.setImmediate(this.nextSoon);
  }
}
