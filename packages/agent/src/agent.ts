import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import { type PreparedRun, prepare, type RunHandle } from '@volley/engine';
import type { IntervalData } from '@volley/metrics';
import type { Plan } from '@volley/plan';
import {
  decode,
  encode,
  intervalToWire,
  type Kind,
  MAX_FRAME_BYTES,
  type Message,
  planFromWire,
} from '@volley/protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export const DEFAULT_AGENT_TIMEOUT_MS = 5_000;
const MIN_BACKOFF_MS = 250;
const TLS_REFUSALS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const MAX_BACKOFF_MS = 10_000;

/** The local address of the socket under a WebSocket, once it is open. */
function localAddress(ws: WebSocket): string | undefined {
  const socket = (ws as unknown as { _socket?: { localAddress?: string } })._socket;
  return socket?.localAddress;
}

/** How an agent joins its controller. */
export interface AgentOptions {
  /** ws:// or wss:// address of the controller. */
  url: string;
  token?: string;
  name?: string;
  logger: Logger;
  /** Dead-man's switch: stop firing when the controller has been silent this long (ms). */
  agentTimeoutMs?: number;
  /** Extra CA certificates (PEM) to trust for wss://, e.g. a controller's self-signed certificate. */
  ca?: Buffer | string;
  /** Engine threads: more than 1 runs the plan's shares on worker threads and merges them here. Default 1. */
  workers?: number;
}

/** The controller refused this agent (wrong token, protocol version, ...). */
export class AgentRejectedError extends Error {
  readonly code = 'AGENT_REJECTED';
}

/**
 * Joins a controller, runs the share of the plan it is given, streams one Interval per interval and a Finished,
 * and stops firing at once if the controller goes silent: a load tool must never leave orphaned load.
 */
export class Agent {
  readonly id = randomUUID();
  private readonly log: Logger;
  private ws: WebSocket | undefined;
  private plan: { runId: string; plan: Plan; prepared: PreparedRun } | undefined;
  private run: RunHandle | undefined;
  private startTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private lastHeard = 0;
  private rejection: Error | undefined;
  private stopped = false;
  /** Did the last session get past Hello? */
  private joined = false;
  private wake: (() => void) | undefined;

  constructor(private readonly options: AgentOptions) {
    this.log = options.logger.child({ component: 'agent', agent: options.name ?? this.id });
  }

  /** Serves one session: resolves when the controller closes the connection, rejects if it refused the agent. */
  serve(): Promise<void> {
    this.rejection = undefined;
    this.dropPlan();
    const headers: Record<string, string> = {};
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const ws = new WebSocket(this.options.url, {
      headers,
      maxPayload: MAX_FRAME_BYTES,
      ...(this.options.ca ? { ca: this.options.ca } : {}),
    });
    this.ws = ws;
    ws.binaryType = 'nodebuffer';
    const timeoutMs = this.options.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;

    return new Promise<void>((resolve, reject) => {
      ws.on('open', () => {
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
          this.handle(decode(data));
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
        // A certificate we do not trust will not become trusted by retrying: say so and stop.
        const tls = TLS_REFUSALS.has(err.code ?? '');
        if (tls) this.rejection = new AgentRejectedError(`controller's certificate refused: ${err.message} (--ca?)`);
        else if (!this.rejection) this.rejection = err;
      });
      ws.on('close', (code, reason) => {
        clearInterval(this.watchdog);
        this.halt('connection to controller closed');
        this.log.info({ code, reason: reason.toString() }, 'session closed');
        if (this.rejection && !this.plan) reject(this.rejection);
        else resolve();
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
        if (once && this.joined) return;
        this.log.info({ err: (err as Error).message, retryInMs: backoffMs }, 'controller unreachable; retrying');
      }
      if (this.joined) backoffMs = MIN_BACKOFF_MS;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoffMs * (0.5 + Math.random() / 2));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
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
      case 'plan': {
        this.dropPlan();
        const { runId } = msg.body;
        let plan: Plan;
        try {
          plan = planFromWire(msg.body);
        } catch (err) {
          // A plan this agent cannot check is never run: it leaves the run rather than fire something else.
          this.log.error({ runId, err: (err as Error).message }, 'refused an invalid plan');
          this.ws?.close(1008, 'invalid plan');
          return;
        }
        const prepared = this.prepare(runId, plan);
        this.plan = { runId, plan, prepared };
        this.log.info({ runId, connections: plan.connections }, 'received plan');
        prepared.ready.then(() => {
          if (this.plan?.runId !== runId || this.run) return;
          this.log.info({ runId }, 'ready');
          this.send('ready', { runId });
        });
        return;
      }
      case 'start':
        this.startTimer = setTimeout(() => this.begin(msg.body.runId), msg.body.delayMs);
        return;
      case 'abort':
        this.log.warn({ reason: msg.body.reason }, 'controller aborted the run');
        this.halt(msg.body.reason);
        // An abort that overtakes the Start cancels the run before it begins.
        if (!this.run) this.dropPlan();
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

  private begin(runId: string): void {
    const planned = this.plan;
    if (!planned || planned.runId !== runId) {
      this.log.error({ runId }, 'start for a run without a plan');
      return;
    }
    this.log.info({ runId }, 'run started');
    const run = planned.prepared.start();
    this.run = run;
    run.done.then((stats) => {
      this.send('finished', {
        runId,
        intervals: stats.intervals,
        requests: stats.requests,
        durationMs: stats.durationMs,
      });
      this.log.info({ runId, ...stats }, 'run finished');
      this.run = undefined;
      this.plan = undefined;
    });
  }

  /**
   * Makes the run ready as soon as the Plan arrives (warm-up, connections opened ahead, engine threads loaded),
   * so that at the Start the engine only has to send.
   */
  private prepare(runId: string, plan: Plan): PreparedRun {
    const sink = (interval: IntervalData) => this.send('interval', intervalToWire(runId, interval));
    return prepare(plan, sink, {
      workers: this.options.workers ?? 1,
      onThreadError: (err, thread) =>
        this.log.error({ thread, err: err.message }, 'engine thread failed or fell behind; the others go on'),
    });
  }

  /** Forgets a plan that has not started, closing what it opened. */
  private dropPlan(): void {
    if (this.plan && !this.run) this.plan.prepared.discard();
    this.plan = undefined;
  }

  private checkController(timeoutMs: number): void {
    if (performance.now() - this.lastHeard <= timeoutMs) return;
    this.log.error({ timeoutMs }, 'controller silent: stopping all load (dead-man switch)');
    this.halt('controller silent');
    this.ws?.terminate();
  }

  private halt(reason: string): void {
    clearTimeout(this.startTimer);
    if (this.run) {
      this.log.warn({ reason }, 'aborting run');
      this.run.abort();
    }
  }

  private send<K extends Kind>(kind: K, body: Parameters<typeof encode<K>>[1]): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encode(kind, body));
  }
}
