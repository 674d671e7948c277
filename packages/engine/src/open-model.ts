import type { Recorder } from '@volley/metrics';
import { type OpenPlan, slotsOf } from '@volley/plan';
import type { Connection } from './client/index.js';
import type { Clock, Timer } from './clock.js';
import { Exchange } from './exchange.js';
import { OpenFlowRun } from './flow/open-flow.js';
import { LATE_AFTER_US } from './late.js';
import type { EngineModel } from './model.js';
import { ModelRun } from './model-run.js';
import { RequestMix } from './request-template.js';
import { dueBeyond, type Schedule, scheduleOf } from './schedule.js';

export { LATE_AFTER_US } from './late.js';

/**
 * A send due less than this far ahead (µs) is due now. The pump's timer fires at now + (due - now), which float
 * rounding can land a hair short of the due time; re-armed for that hair, a timer waits Node's minimum of 1 ms,
 * and the send would go out 1 ms late. Half a microsecond is below anything the engine measures.
 */
const DUE_WITHIN_US = 0.5;

/**
 * The open model: requests go out on the schedule's clock whatever the server does, on at most `connections`
 * sockets. Each request's latency is measured from its intended send time (so a stall that holds requests back
 * shows in full: no coordinated omission) and, as service time, from the moment it was actually sent.
 * A request due while every connection is busy waits for one and goes out late; it is counted as late.
 * Pending requests are not stored: request n is due at schedule.at(n), so only the count of sent ones is kept.
 */
export class OpenModelRun extends ModelRun<OpenPlan> {
  private schedule!: Schedule;
  private readonly free: OpenExchange[] = [];
  private inFlight = 0;
  private timer: Timer | undefined;
  private readonly pumpLater = (): void => {
    this.timer = undefined;
    this.pump();
  };

  protected begin(): void {
    const { plan } = this;
    this.schedule = scheduleOf(plan);
    const mix = RequestMix.of(plan);
    for (let i = 0; i < slotsOf(plan); i++) {
      const connection = this.strategy.connect();
      this.connections.push(connection);
      const exchange = new OpenExchange(this, connection, mix, this.recorder, this.clock);
      this.free.push(exchange);
      this.exchanges.push(exchange);
    }
    this.pump();
  }

  /** Sends every request that is due and has a free connection, then sleeps until the next one is due. */
  pump(): void {
    const { requests } = this.plan;
    const nowMs = this.clock.now() - this.t0;
    while (!this.stopping) {
      if (requests > 0 && this.started >= requests) {
        this.stop();
        break;
      }
      const dueUs = this.schedule.at(this.started);
      if (dueUs === Number.POSITIVE_INFINITY) {
        // Nothing more is due, but a run with a duration lasts it, so that its rate is what was sent over the
        // time asked for (-R 0.1 -d 5s is 0.2 req/s, not one request over its own few milliseconds); the
        // deadline stops it.
        if (this.plan.durationMs === 0) this.stop();
        break;
      }
      if (dueUs - nowMs * 1000 >= DUE_WITHIN_US) {
        if (this.timer === undefined) this.timer = this.clock.setTimeout(this.pumpLater, dueUs / 1000 - nowMs);
        return;
      }
      const exchange = this.free.pop();
      if (!exchange) return; // every connection is busy: the next completion pumps again
      if (nowMs * 1000 - dueUs > LATE_AFTER_US) this.recorder.recordLate();
      this.started++;
      this.inFlight++;
      exchange.fire(this.t0 + dueUs / 1000);
    }
    this.endIfIdle();
  }

  /** An exchange is free again. */
  release(exchange: OpenExchange): void {
    this.inFlight--;
    this.free.push(exchange);
    if (this.stopping) this.endIfIdle();
    else this.pump();
  }

  /** Requests due before the deadline whose timer has not fired yet still go out (they are late, not dropped). */
  protected override deadline(): void {
    this.pump();
    this.stop();
  }

  protected override stop(): void {
    super.stop();
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    // With nothing in flight no completion will come to end the run: end it here.
    this.endIfIdle();
  }

  protected override afterAbort(): void {
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (!this.stopping || this.inFlight > 0) return;
    this.countDropped();
    this.finish();
  }

  /**
   * Sends that were due before the end but never went out, because every connection was still busy: counted in
   * the last interval (k6 calls them dropped iterations), so an overloaded run shows them instead of only an
   * achieved rate below the asked one. An aborted run has no end to have been due before.
   */
  private countDropped(): void {
    if (this.wasAborted || !this.schedule) return;
    const dropped = dueBeyond(this.schedule, this.started, this.plan);
    if (dropped > 0) this.recorder.recordDropped(dropped);
  }
}

/** One connection of the open model: sends when the run says, measures from the intended and the actual send. */
class OpenExchange extends Exchange {
  private intendedAt = 0;
  private readonly releaseLater: () => void;

  constructor(
    private readonly run: OpenModelRun,
    connection: Connection,
    mix: RequestMix,
    recorder: Recorder,
    clock: Clock,
  ) {
    super(connection, mix, recorder, clock);
    this.releaseLater = () => this.run.release(this);
  }

  /** Sends now a request that was due at `intendedAt` (clock.now() time). */
  fire(intendedAt: number): void {
    this.intendedAt = intendedAt;
    this.send();
  }

  protected completed(): void {
    const now = this.clock.now();
    const latencyUs = Math.round((now - this.intendedAt) * 1000);
    const serviceUs = Math.round((now - this.sentAt) * 1000);
    this.recorder.recordScheduledResponse(
      this.status,
      latencyUs,
      serviceUs,
      this.template.bytesOut,
      this.bytesIn,
      this.template.endpoint,
    );
    this.run.release(this);
  }

  protected failed(): void {
    // dispatch() can fail synchronously, inside pump(): release in the next turn to keep the stack flat.
    this.clock.setImmediate(this.releaseLater);
  }
}

/** The open model in the engine's registry. */
export const openModel = {
  create: (plan, sink, options) =>
    plan.flow ? new OpenFlowRun(plan, sink, options) : new OpenModelRun(plan, sink, options),
  preconnect: (plan) => plan.connections,
  // As fast as it goes: the pump and its timers get as hot as the sends.
  warmUp: { rate: 100_000 },
} satisfies EngineModel<OpenPlan>;
