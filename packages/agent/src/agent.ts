import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { type PreparedRun, prepare } from '@volley/engine';
import type { IntervalData } from '@volley/metrics';
import type { Plan } from '@volley/plan';
import {
  decode,
  encode,
  intervalToWire,
  type Kind,
  MAX_CONTROLLER_FRAME_BYTES,
  type Message,
  planFromWire,
} from '@volley/protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { logFirstErrors } from './error-log.js';
import { Limits } from './limits.js';
import {
  AgentRejectedError,
  backoff,
  ControllerMismatchError,
  closeReason,
  lastingFailure,
  localAddress,
  openLink,
} from './link.js';
import { type AgentOptions, DEFAULT_AGENT_TIMEOUT_MS, MAX_BACKOFF_MS, MIN_BACKOFF_MS } from './options.js';
import { MAX_START_DELAY_MS, RunSlot } from './run-slot.js';
import { version } from './version.js';

/**
 * Joins a controller, runs the share of the plan it is given, streams one Interval per interval and a Finished,
 * and stops firing at once if the controller goes silent: a load tool must never leave orphaned load.
 */
export class Agent {
  readonly id = randomUUID();
  private readonly log: Logger;
  private readonly limits: Limits;
  private readonly slot = new RunSlot();
  private ws: WebSocket | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lastHeard = 0;
  private rejection: Error | undefined;
  private stopped = false;
  /** Did the last session get past Hello? */
  private joined = false;
  /** Did this agent leave its last session, refusing what it was asked? Then it does not hurry back. */
  private refused = false;
  private wake: (() => void) | undefined;

  /** Throws LimitsError when the operator's limits make no sense. */
  constructor(private readonly options: AgentOptions) {
    this.log = options.logger.child({ component: 'agent', agent: options.name ?? this.id });
    this.limits = new Limits(options.limits);
  }

  /** Serves one session: resolves when the controller closes the connection, rejects if it refused the agent. */
  serve(): Promise<void> {
    this.rejection = undefined;
    this.refused = false;
    const ws = openLink(this.options.url, this.options.token, this.options.ca);
    this.ws = ws;
    const timeoutMs = this.options.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;

    let opened = false;
    let failure: Promise<Error | undefined> = Promise.resolve(undefined);
    return new Promise<void>((resolve, reject) => {
      ws.on('open', () => {
        opened = true;
        this.lastHeard = performance.now();
        this.send('hello', {
          agentId: this.id,
          name: this.options.name ?? hostname(),
          version,
          // The address this agent reaches the controller from: what an operator recognises in the report.
          host: localAddress(ws) ?? hostname(),
        });
        this.watchdog = setInterval(() => this.checkController(timeoutMs), Math.max(50, timeoutMs / 5));
      });
      ws.on('message', (data: Buffer, isBinary) => {
        this.lastHeard = performance.now();
        if (!isBinary) {
          this.log.warn('ignored a text frame');
          return;
        }
        try {
          this.handle(decode(data, MAX_CONTROLLER_FRAME_BYTES));
        } catch (err) {
          this.log.error({ err }, 'dropping connection after a bad frame');
          ws.close(1007, 'bad frame');
        }
      });
      ws.on('unexpected-response', (_req, res) => {
        const hint = res.statusCode === 401 ? ' (wrong or missing token)' : '';
        this.rejection = new AgentRejectedError(`controller refused the connection: HTTP ${res.statusCode}${hint}`);
        ws.terminate();
      });
      ws.on('error', (err: NodeJS.ErrnoException) => {
        this.log.debug({ err: err.message }, 'connection error');
        if (!this.rejection) this.rejection = err;
        // An untrusted certificate or the wrong scheme will not come right by retrying: find out, to say so.
        failure = lastingFailure(this.options.url, err, opened);
      });
      ws.on('close', (code, reason) => {
        clearInterval(this.watchdog);
        const held = this.slot.phase !== 'idle';
        this.halt('connection to controller closed');
        this.log.info({ code, reason: reason.toString() }, 'session closed');
        Promise.all([failure, this.slot.released]).then(([lasting]) => {
          const err = lasting ?? this.rejection;
          if (err && (lasting || !held)) reject(err);
          else resolve();
        });
      });
    });
  }

  /** Leaves the controller, stopping any run first; `serveForever` returns instead of reconnecting. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
    this.halt('agent stopped');
    this.ws?.close(1000, 'agent stopped');
  }

  /**
   * Serves run after run: after each session, and while the controller cannot be reached, it reconnects with
   * exponential backoff (0.25 s doubling to 10 s, with jitter). A controller that rejects this agent (wrong token,
   * other protocol version) ends it: retrying would not help. With `once`, returns after the first session.
   */
  async serveForever(once = false): Promise<void> {
    let backoffMs = MIN_BACKOFF_MS;
    while (!this.stopped) {
      try {
        this.joined = false;
        await this.serve();
        if (once) return;
      } catch (err) {
        if (err instanceof AgentRejectedError) throw err;
        if (err instanceof ControllerMismatchError) {
          if (once) throw err;
          // Someone may yet fix the controller's side: keep trying, but never silently.
          this.log.error({ err: err.message, retryInMs: backoffMs }, 'wrong scheme for this controller; retrying');
        } else {
          if (once && this.joined) return;
          this.log.info({ err: (err as Error).message, retryInMs: backoffMs }, 'controller unreachable; retrying');
        }
      }
      if (this.joined && !this.refused) backoffMs = MIN_BACKOFF_MS;
      const pause = backoff(backoffMs * (0.5 + Math.random() / 2));
      this.wake = pause.wake;
      await pause.over;
      this.wake = undefined;
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }
  }

  private handle(msg: Message): void {
    switch (msg.kind) {
      case 'welcome':
        this.joined = true;
        this.log.info('joined controller');
        return;
      case 'reject':
        this.rejection = new AgentRejectedError(`controller rejected this agent: ${msg.body.reason}`);
        this.ws?.close(1000, 'rejected');
        return;
      case 'plan':
        this.onPlan(msg.body);
        return;
      case 'start':
        this.onStart(msg.body.runId, msg.body.delayMs);
        return;
      case 'abort':
        this.log.warn({ reason: msg.body.reason }, 'controller aborted the run');
        // An abort that overtakes the Start cancels the run before it begins.
        this.halt(msg.body.reason);
        return;
      case 'heartbeat':
        this.send('heartbeat', { sentAtMs: msg.body.sentAtMs });
        return;
      case 'hello':
      case 'interval':
      case 'finished':
      case 'ready':
        this.log.warn({ kind: msg.kind }, 'ignored a frame meant for a controller');
        return;
      default: {
        const unreachable: never = msg;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private onPlan(body: Extract<Message, { kind: 'plan' }>['body']): void {
    const { runId } = body;
    if (this.slot.phase !== 'idle') {
      // One run at a time: a second one beside it would be load that no Abort or dead-man switch owns.
      this.log.warn({ runId, holding: this.slot.runId, phase: this.slot.phase }, 'refused a Plan: a run is held');
      return;
    }
    let plan: Plan;
    try {
      plan = planFromWire(body);
    } catch (err) {
      // A plan this agent cannot check is never run: it leaves the run rather than fire something else.
      this.log.error({ runId, err: (err as Error).message }, 'refused an invalid plan');
      this.leave(1008, `invalid plan: ${(err as Error).message}`);
      return;
    }
    const refusal = this.limits.refusal(plan);
    if (refusal) {
      // An agent cannot send Reject: it leaves, saying why in the close frame, before opening anything.
      this.log.error({ runId, url: plan.url, refusal }, 'refused a plan outside the operator limits');
      this.leave(1008, `refused: ${refusal}`);
      return;
    }
    const prepared = this.slot.hold(runId, () => this.prepare(runId, plan));
    this.log.info({ runId, connections: plan.connections }, 'received plan');
    prepared?.ready.then(() => {
      if (!this.slot.awaitsStart(runId)) return;
      this.log.info({ runId }, 'ready');
      this.send('ready', { runId });
    });
  }

  private onStart(runId: string, delayMs: number): void {
    if (!this.slot.awaitsStart(runId)) {
      this.log.warn({ runId, holding: this.slot.runId, phase: this.slot.phase }, 'refused a Start: no such plan waits');
      return;
    }
    // setTimeout wraps a delay above 2^31 - 1 ms to 1 ms: a Start "in 49 days" would fire at once.
    if (!(Number.isInteger(delayMs) && delayMs >= 0 && delayMs <= MAX_START_DELAY_MS)) {
      this.log.error({ runId, delayMs, maxMs: MAX_START_DELAY_MS }, 'refused a Start delay out of range');
      this.leave(1008, 'start delay out of range');
      return;
    }
    this.slot.start(runId, delayMs, (run) => {
      this.log.info({ runId }, 'run started');
      run.done.then(({ intervals, requests, durationMs }) => {
        this.send('finished', { runId, intervals, requests, durationMs });
        this.log.info({ runId, intervals, requests, durationMs }, 'run finished');
      });
    });
  }

  /**
   * Makes the run ready as soon as the Plan arrives (warm-up, connections opened ahead, engine threads loaded),
   * so that at the Start the engine only has to send.
   */
  private prepare(runId: string, plan: Plan): PreparedRun {
    const sink = logFirstErrors(this.log, (i: IntervalData) => this.send('interval', intervalToWire(runId, i)));
    return prepare(plan, sink, {
      workers: this.options.workers ?? 1,
      // This thread keeps the link (heartbeats, intervals out) and, in `volley run`, the controller: a hot run's
      // engine goes on a thread of its own, so none of that delays a send (the open model's lateness showed it).
      ownThread: true,
      health: true,
      onThreadError: (err, thread) =>
        // With one thread that could not load, the run goes on on this thread instead (see prepare's ownThread).
        this.log.error({ thread, err: err.message }, 'engine thread failed or fell behind; what it measured is kept'),
    });
  }

  private checkController(timeoutMs: number): void {
    if (performance.now() - this.lastHeard <= timeoutMs) return;
    this.log.error({ timeoutMs }, 'controller silent: stopping all load (dead-man switch)');
    this.halt('controller silent');
    this.ws?.terminate();
  }

  /** Stops all this agent fires: the run is aborted, or one not started dropped with the connections it opened. */
  private halt(reason: string): void {
    const was = this.slot.halt();
    if (was === 'running') this.log.warn({ reason }, 'aborting run');
    else if (was !== 'idle') this.log.info({ reason }, 'dropped a run that had not started');
  }

  /** Ends the session, refusing what the controller asked. */
  private leave(code: number, reason: string): void {
    this.refused = true;
    this.ws?.close(code, closeReason(reason));
  }

  private send<K extends Kind>(kind: K, body: Parameters<typeof encode<K>>[1]): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encode(kind, body));
  }
}
