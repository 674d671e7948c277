import type { Dispatcher } from 'undici';
import type { ClientStrategy, Connection } from '../src/client/index.js';
import type { FakeClock } from './fake-clock.js';

/** What the fake server does with one request. */
export type Answer =
  /** A response with `status` (200) and a body of `bytes` (2), complete `afterMs` after the send. */
  | { afterMs: number; status?: number; bytes?: number }
  /** No answer, ever: the request stays in flight until its connection is destroyed. */
  | { stall: true }
  /**
   * The request fails with an error whose `code` is `error`, `afterMs` after the send, or inside dispatch() when
   * 0 (as undici can). `connected`: it reached a socket first (its bytes count as sent); not by default.
   */
  | { error: string; afterMs: number; connected?: boolean };

/** One request as the fake server saw it. */
export interface Sent {
  /** 0-based, in the order of sending across all connections. */
  n: number;
  /** clock.now() at dispatch. */
  at: number;
  /** Index of its connection, in the order connect() made them. */
  connection: number;
  method: string;
  path: string;
  /** clock.now() when it ended (answered, failed or destroyed); undefined while in flight. */
  endedAt?: number;
}

/** Answers every request after `ms`. */
export const answerAfter =
  (ms: number): ((sent: Sent) => Answer) =>
  () => ({ afterMs: ms });

/**
 * A ClientStrategy with no network: each request is answered, stalled or failed on the fake clock, as `answer`
 * says, and every send is noted. It holds the Connection contract to account: a second dispatch on a connection
 * with a request in flight, or any dispatch on a destroyed one, throws.
 */
export class FakeStrategy implements ClientStrategy {
  readonly name = 'pooled';
  readonly sent: Sent[] = [];
  readonly connections: FakeConnection[] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly clock: FakeClock,
    readonly answer: (sent: Sent) => Answer,
  ) {}

  connect(): Connection {
    const connection = new FakeConnection(this, this.connections.length);
    this.connections.push(connection);
    return connection;
  }

  /** Sends that went out at or after `fromMs` and before `toMs`. */
  sentBetween(fromMs: number, toMs: number): number {
    return this.sent.filter((s) => s.at >= fromMs && s.at < toMs).length;
  }
}

const BODY = Buffer.alloc(64 * 1024, 'x');

class FakeConnection implements Connection {
  closed = false;
  destroyed = false;
  private handler: Dispatcher.DispatchHandler | undefined;
  private request: Sent | undefined;
  private timer: ReturnType<FakeClock['setTimeout']> | undefined;

  constructor(
    private readonly net: FakeStrategy,
    private readonly index: number,
  ) {}

  /** What undici hands a handler in onConnect: fails the request in flight at once, and drops its answer. */
  private readonly abort = (err?: Error): void => {
    this.net.clock.clearTimeout(this.timer);
    this.end()?.onError?.(err ?? new Error('aborted'));
  };

  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    if (this.destroyed) throw new Error(`dispatch on destroyed connection ${this.index}`);
    if (this.request) throw new Error(`dispatch on connection ${this.index} with request ${this.request.n} in flight`);
    const { net } = this;
    const sent: Sent = {
      n: net.sent.length,
      at: net.clock.now(),
      connection: this.index,
      method: options.method,
      path: options.path,
    };
    net.sent.push(sent);
    this.request = sent;
    this.handler = handler;
    net.inFlight++;
    net.maxInFlight = Math.max(net.maxInFlight, net.inFlight);
    const answer = net.answer(sent);
    if ('stall' in answer) {
      handler.onConnect?.(this.abort);
    } else if ('error' in answer) {
      if (answer.connected) handler.onConnect?.(this.abort);
      const err = Object.assign(new Error(`fake ${answer.error}`), { code: answer.error });
      if (answer.afterMs === 0) this.end()?.onError?.(err);
      else this.timer = net.clock.setTimeout(() => this.end()?.onError?.(err), answer.afterMs);
    } else {
      handler.onConnect?.(this.abort);
      const { status = 200, bytes = 2 } = answer;
      this.timer = net.clock.setTimeout(() => {
        const h = this.end();
        h?.onHeaders?.(status, [], () => {}, 'OK');
        if (bytes > 0) h?.onData?.(BODY.subarray(0, bytes));
        h?.onComplete?.(null);
      }, answer.afterMs);
    }
  }

  settle(): void {}

  /** Ends the request in flight: frees the connection first, as undici has by the time it calls the handler. */
  private end(): Dispatcher.DispatchHandler | undefined {
    const { handler, request } = this;
    if (!request) return undefined;
    request.endedAt = this.net.clock.now();
    this.request = undefined;
    this.handler = undefined;
    this.timer = undefined;
    this.net.inFlight--;
    return handler;
  }

  destroy(err: Error): Promise<void> {
    this.destroyed = true;
    this.closed = true;
    this.net.clock.clearTimeout(this.timer);
    // undici fails the request in flight of a destroyed client in a later turn, not inside destroy().
    const handler = this.end();
    if (handler) this.net.clock.setImmediate(() => handler.onError?.(err));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
