import type { Recorder } from '@volley/metrics';
import { type OpenPlan, slotsOf } from '@volley/plan';
import type { Connection } from './client/index.js';
import type { Clock } from './clock.js';
import { Exchange } from './exchange.js';
import { OpenFlowRun } from './flow/open-flow.js';
import type { EngineModel } from './model.js';
import { PacedRun } from './paced-run.js';
import { RequestMix } from './request-template.js';

export { LATE_AFTER_US } from './late.js';

/**
 * The open model: requests go out on the schedule's clock whatever the server does, on at most `connections`
 * sockets. Each request's latency is measured from its intended send time (so a stall that holds requests back
 * shows in full: no coordinated omission) and, as service time, from the moment it was actually sent.
 * A request due while every connection is busy waits for one and goes out late; it is counted as late.
 * Pending requests are not stored: request n is due at schedule.at(n), so only the count of sent ones is kept.
 */
export class OpenModelRun extends PacedRun<OpenExchange> {
  protected begin(): void {
    const { plan } = this;
    const mix = RequestMix.of(plan);
    const free: OpenExchange[] = [];
    for (let i = 0; i < slotsOf(plan); i++) {
      const connection = this.strategy.connect();
      this.connections.push(connection);
      const exchange = new OpenExchange(this, connection, mix, this.recorder, this.clock);
      free.push(exchange);
      this.exchanges.push(exchange);
    }
    this.pace(free);
  }

  fire(exchange: OpenExchange, intendedAt: number): void {
    this.started++;
    exchange.fire(intendedAt);
  }

  /** An exchange is free again. */
  release(exchange: OpenExchange): void {
    this.pacer?.release(exchange);
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
  // As fast as it goes, so that the sends get hot; then paced below what the throwaway server answers, for a
  // duration, as a real run is: the pump sleeping on its timer, connections idle between sends, the deadline.
  // Without the paced run, code the first had never taken (and every per-run closure) deoptimized the hot path
  // at the real run's start, and a run at 0.8 of the closed model's rate began 100-200 ms behind.
  warmUp: [{ rate: 100_000 }, { rate: 10_000, durationMs: 100 }],
} satisfies EngineModel<OpenPlan>;
