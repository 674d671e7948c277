import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type IntervalSummary, RESULT_SCHEMA, type Result, RunAggregate } from '@volley/metrics';
import {
  decode,
  encode,
  type Kind,
  MAX_FRAME_BYTES,
  type Message,
  type PlanFields,
  PROTOCOL_VERSION,
} from '@volley/protocol';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { splitPlan } from './split.js';
import { intervalFromWire } from './wire-interval.js';

export const DEFAULT_START_DELAY_MS = 200;
export const DEFAULT_HEARTBEAT_MS = 1_000;
export const DEFAULT_AGENT_TIMEOUT_MS = 5_000;
/** How long the Start waits for agents to report Ready (warmed up, connections open) before going ahead. */
export const DEFAULT_READY_TIMEOUT_MS = 10_000;

/** What a controller runs and how it meets its agents. */
export interface ControllerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Agents to wait for before starting. */
  agents: number;
  plan: PlanFields;
  /** The plan as run, with defaults filled in, for the result document. */
  planInfo: Record<string, unknown>;
  toolVersion: string;
  token?: string;
  logger: Logger;
  startDelayMs?: number;
  heartbeatMs?: number;
  /** An agent silent this long (ms) during a run is marked lost. */
  agentTimeoutMs?: number;
  /** Give up waiting for agents after this long (ms); 0 waits forever. */
  waitTimeoutMs?: number;
  /** Start without the agents not Ready after this long (ms): they start when the Start reaches them anyway. */
  readyTimeoutMs?: number;
  /** Serve wss:// with this certificate and key (PEM). */
  tls?: { cert: Buffer | string; key: Buffer | string };
  /** Agents joining, leaving and getting lost, for a progress display. The controller itself never prints. */
  onEvent?: (event: ControllerEvent) => void;
}

/** What happened to the agents, for whoever shows progress. */
export type ControllerEvent =
  | { type: 'joined'; name: string; host: string; joined: number; of: number }
  | { type: 'started'; agents: number; spreadMs: number }
  | { type: 'lost'; name: string; reason: string }
  /** One interval merged over every live agent; `total` sums every interval so far. */
  | {
      type: 'interval';
      interval: IntervalSummary;
      total: { requests: number; errors: number; elapsedMs: number };
      agents: number;
    };

/** The controller could not run (no agents in time, a plan it cannot split). */
export class ControllerError extends Error {
  readonly code: 'WAIT_TIMEOUT' | 'UNSPLITTABLE_PLAN' | 'CLOSED';
  constructor(code: ControllerError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

interface Member {
  id: string;
  name: string;
  host: string;
  ws: WebSocket;
  lastHeard: number;
  finished: boolean;
  lost: boolean;
  durationMs: number;
  /** Last measured round trip (ms), from heartbeat echoes; -1 until one came back. */
  rttMs: number;
  /** When the ping behind `rttMs` was sent (controller's performance.now()). */
  rttAt: number;
  /** Reported Ready for this run: warmed up, connections open. */
  ready: boolean;
}

/**
 * Accepts agents over WebSocket, gives each its share of the plan, starts them together, merges their interval
 * histograms and assembles the result. A lost agent leaves what it reported; the run goes on without it.
 */
export class Controller {
  private readonly log: Logger;
  private readonly members = new Map<WebSocket, Member>();
  private readonly aggregate = new RunAggregate((interval) => this.intervalMerged(interval));
  private readonly totals = { requests: 0, errors: 0, elapsedMs: 0 };
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  private runId = '';
  private running = false;
  private aborted = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private onJoin: (() => void) | undefined;
  private onSettle: (() => void) | undefined;
  private onEcho: (() => void) | undefined;
  private onReady: (() => void) | undefined;

  constructor(private readonly options: ControllerOptions) {
    this.log = options.logger.child({ component: 'controller' });
  }

  /** Starts listening; resolves with the ws:// address agents connect to. */
  async listen(): Promise<string> {
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    const answer = (_req: IncomingMessage, res: ServerResponse): void => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('volley controller: connect with a WebSocket\n');
    };
    const { tls } = this.options;
    const server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key }, answer) : createHttpServer(answer);
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    wss.on('connection', (ws, req) => this.accept(ws, req));
    this.server = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    // Heartbeats run from the first agent on: an agent waiting for the others must not trip its dead-man switch.
    this.startHeartbeat();
    const { address, port, family } = server.address() as AddressInfo;
    return `${tls ? 'wss' : 'ws'}://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  }

  /** Agents joined so far. */
  get joined(): number {
    return this.members.size;
  }

  /** Waits for the agents, runs the plan on all of them, and returns the merged result. */
  async run(): Promise<Result> {
    await this.waitForAgents();
    let shares: PlanFields[];
    try {
      shares = splitPlan(this.options.plan, this.members.size);
    } catch (err) {
      throw new ControllerError('UNSPLITTABLE_PLAN', (err as Error).message);
    }
    this.runId = randomUUID();
    const members = [...this.members.values()];
    for (const m of members) this.aggregate.join({ id: m.id, name: m.name, host: m.host });
    members.forEach((m, i) => {
      this.send(m.ws, 'plan', { ...shares[i], runId: this.runId });
    });
    this.running = true;
    await this.waitUntilReady(members);
    await this.measureRoundTrips(members);
    // Start barrier: every agent starts `delayMs` from now by the controller's clock. A Start reaches an agent
    // half a round trip after it is sent, so that agent waits that much less; no synchronized clocks needed.
    const delayMs = this.options.startDelayMs ?? DEFAULT_START_DELAY_MS;
    const delays = members.map((m) => Math.max(0, Math.round(delayMs - Math.max(0, m.rttMs) / 2)));
    if (this.aborted) {
      // Stopped while measuring round trips: nobody has started, so nobody will report Finished.
      for (const m of members) m.finished = true;
    } else {
      members.forEach((m, i) => {
        this.send(m.ws, 'start', { runId: this.runId, delayMs: delays[i] ?? delayMs });
      });
    }
    const started = Date.now() + delayMs;
    const spreadMs = Math.max(...members.map((m) => Math.max(0, m.rttMs))) / 2;
    this.log.info({ runId: this.runId, agents: members.length, rttMs: members.map((m) => m.rttMs) }, 'run started');
    this.options.onEvent?.({ type: 'started', agents: members.length, spreadMs });
    await new Promise<void>((resolve) => {
      this.onSettle = resolve;
      this.settleIfDone();
    });
    clearInterval(this.heartbeat);
    this.running = false;
    const ended = Date.now();
    for (const m of members) if (!m.lost) m.ws.close(1000, 'run complete');
    return this.result(members, started, ended);
  }

  private intervalMerged(interval: IntervalSummary): void {
    this.totals.requests += interval.requests;
    this.totals.errors += interval.errors;
    this.totals.elapsedMs = Math.max(this.totals.elapsedMs, interval.t * 1000 + interval.durationMs);
    let agents = 0;
    for (const m of this.members.values()) if (!m.lost) agents++;
    this.options.onEvent?.({ type: 'interval', interval, total: { ...this.totals }, agents });
  }

  /** Stops the run: agents are told to abort, and the result holds what they measured. Idempotent. */
  abort(reason: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.log.warn({ reason }, 'aborting run');
    for (const m of this.members.values()) this.send(m.ws, 'abort', { runId: this.runId, reason });
    if (!this.running) this.onJoin?.();
    this.onReady?.();
  }

  /**
   * Waits until every agent that is still there has reported Ready for this run (it has warmed up and opened its
   * connections), so the Start finds them all able to send at once. An agent not Ready within the time limit
   * starts anyway when the Start reaches it; that is logged. An abort ends the wait.
   */
  private async waitUntilReady(members: Member[]): Promise<void> {
    const limitMs = this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const done = (): boolean => this.aborted || members.every((m) => m.lost || m.ready);
    if (done()) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.onReady = undefined;
        const late = members.filter((m) => !m.lost && !m.ready).map((m) => m.name);
        this.log.warn({ agents: late, limitMs }, 'starting without agents that are not ready yet');
        resolve();
      }, limitMs);
      this.onReady = () => {
        if (!done()) return;
        this.onReady = undefined;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Pings every agent and waits (at most a second) for the echoes, so the start barrier can use fresh round
   * trips. An agent that does not echo in time starts with its last known round trip, or none.
   */
  private async measureRoundTrips(members: Member[]): Promise<void> {
    const sentAt = performance.now();
    const fresh = (): boolean => members.every((m) => m.lost || m.rttAt >= sentAt);
    for (const m of members) this.send(m.ws, 'heartbeat', { sentAtMs: sentAt });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.onEcho = undefined;
        resolve();
      }, 1000);
      this.onEcho = () => {
        if (!fresh()) return;
        this.onEcho = undefined;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Closes every connection and the listening socket. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of this.members.keys()) ws.terminate();
    this.wss?.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private waitForAgents(): Promise<void> {
    const { agents, waitTimeoutMs = 0 } = this.options;
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      this.onJoin = () => {
        if (this.aborted) {
          clearTimeout(timer);
          reject(new ControllerError('CLOSED', 'aborted while waiting for agents'));
        } else if (this.members.size >= agents) {
          clearTimeout(timer);
          this.onJoin = undefined;
          resolve();
        }
      };
      if (waitTimeoutMs > 0) {
        timer = setTimeout(() => {
          this.onJoin = undefined;
          reject(
            new ControllerError(
              'WAIT_TIMEOUT',
              `only ${this.members.size} of ${agents} agents joined within ${waitTimeoutMs} ms`,
            ),
          );
        }, waitTimeoutMs);
      }
      this.onJoin();
    });
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { token } = this.options;
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      this.log.warn({ from: req.socket.remoteAddress }, 'refused an agent with a wrong or missing token');
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    this.wss?.handleUpgrade(req, socket, head, (ws) => this.wss?.emit('connection', ws, req));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const from = req.socket.remoteAddress ?? '';
    ws.on('message', (data: Buffer, isBinary) => {
      let msg: Message;
      try {
        if (!isBinary) throw new Error('text frame');
        msg = decode(data);
      } catch (err) {
        this.log.warn({ from, err: (err as Error).message }, 'closing a connection that sent a bad frame');
        ws.close(1007, 'bad frame');
        return;
      }
      const member = this.members.get(ws);
      if (member) member.lastHeard = performance.now();
      if (!member && msg.kind !== 'hello') {
        ws.close(1008, 'hello first');
        return;
      }
      this.handle(ws, member, msg, from);
    });
    ws.on('close', () => this.depart(ws));
    ws.on('error', (err) => this.log.warn({ from, err: err.message }, 'agent connection error'));
  }

  private handle(ws: WebSocket, member: Member | undefined, msg: Message, from: string): void {
    switch (msg.kind) {
      case 'hello': {
        if (member) return;
        if (msg.version !== PROTOCOL_VERSION) {
          this.reject(
            ws,
            `protocol version ${msg.version} is not supported: this controller speaks version ${PROTOCOL_VERSION}`,
          );
          return;
        }
        if (this.running || this.members.size >= this.options.agents) {
          this.reject(ws, `controller already has its ${this.options.agents} agents`);
          return;
        }
        const m: Member = {
          id: msg.body.agentId || randomUUID(),
          name: msg.body.name,
          host: msg.body.host || from,
          ws,
          lastHeard: performance.now(),
          finished: false,
          lost: false,
          durationMs: 0,
          rttMs: -1,
          rttAt: 0,
          ready: false,
        };
        this.members.set(ws, m);
        this.send(ws, 'welcome', { agentId: m.id, heartbeatMs: this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS });
        this.log.info(
          { agent: m.name, host: m.host, joined: this.members.size, of: this.options.agents },
          'agent joined',
        );
        this.options.onEvent?.({
          type: 'joined',
          name: m.name,
          host: m.host,
          joined: this.members.size,
          of: this.options.agents,
        });
        this.onJoin?.();
        return;
      }
      case 'interval':
        if (!member || member.lost || msg.body.runId !== this.runId) return;
        try {
          this.aggregate.add(member.id, intervalFromWire(msg.body));
        } catch (err) {
          this.log.warn(
            { agent: member.name, err: (err as Error).message },
            'closing an agent that sent a bad interval',
          );
          ws.close(1007, 'bad interval');
        }
        return;
      case 'ready':
        if (!member || msg.body.runId !== this.runId) return;
        member.ready = true;
        this.onReady?.();
        return;
      case 'finished':
        if (!member || msg.body.runId !== this.runId) return;
        member.finished = true;
        member.durationMs = msg.body.durationMs;
        this.aggregate.leave(member.id);
        this.settleIfDone();
        return;
      case 'heartbeat':
        // Our own timestamp, echoed: the round trip on the controller's clock alone.
        if (member && msg.body.sentAtMs > 0) {
          member.rttMs = performance.now() - msg.body.sentAtMs;
          member.rttAt = msg.body.sentAtMs;
          this.onEcho?.();
        }
        return;
      case 'welcome':
      case 'reject':
      case 'plan':
      case 'start':
      case 'abort':
        this.log.warn({ kind: msg.kind }, 'ignored a frame meant for an agent');
        return;
      default: {
        const unreachable: never = msg;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
  }

  private reject(ws: WebSocket, reason: string): void {
    this.log.warn({ reason }, 'rejected an agent');
    this.send(ws, 'reject', { reason });
    ws.close(1008, 'rejected');
  }

  private depart(ws: WebSocket): void {
    const member = this.members.get(ws);
    if (!member) return;
    if (!this.running) {
      if (!this.runId) this.members.delete(ws);
      return;
    }
    if (!member.finished && !member.lost) {
      member.lost = true;
      this.aggregate.lose(member.id);
      this.log.error({ agent: member.name }, 'agent lost mid-run; keeping what it reported');
      this.options.onEvent?.({ type: 'lost', name: member.name, reason: 'disconnected or silent mid-run' });
    }
    this.onReady?.();
    this.settleIfDone();
  }

  private startHeartbeat(): void {
    const every = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const silentAfter = this.options.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
    this.heartbeat = setInterval(() => {
      const now = performance.now();
      for (const m of this.members.values()) {
        if (m.lost || m.finished) continue;
        // Before the run a silent agent is simply dropped (depart); during it, it is lost.
        if (now - m.lastHeard > silentAfter) {
          this.log.error({ agent: m.name, silentMs: Math.round(now - m.lastHeard) }, 'agent silent: marking it lost');
          m.ws.terminate();
          continue;
        }
        this.send(m.ws, 'heartbeat', { sentAtMs: now });
      }
    }, every);
  }

  private settleIfDone(): void {
    if (!this.onSettle) return;
    for (const m of this.members.values()) if (!m.finished && !m.lost) return;
    const settle = this.onSettle;
    this.onSettle = undefined;
    settle();
  }

  private result(members: Member[], started: number, ended: number): Result {
    const merged = this.aggregate.merge();
    const measured = Math.max(0, ...members.map((m) => m.durationMs));
    const durationMs = measured > 0 ? measured : Math.max(0, ended - started);
    const allLost = members.every((m) => m.lost);
    return {
      schema: RESULT_SCHEMA,
      tool: { name: 'volley', version: this.options.toolVersion },
      plan: this.options.planInfo,
      startedAt: new Date(started).toISOString(),
      endedAt: new Date(ended).toISOString(),
      durationMs: Math.round(durationMs * 1000) / 1000,
      aborted: this.aborted || allLost,
      requests: merged.requests,
      throughput: {
        target: askedRate(this.options.plan),
        achieved: durationMs > 0 ? Math.round((merged.requests.total * 1000 * 10) / durationMs) / 10 : 0,
        late: merged.late,
        dropped: merged.dropped,
      },
      latency: merged.latency,
      serviceTime: merged.serviceTime,
      bytes: merged.bytes,
      agents: merged.agents,
      endpoints: merged.endpoints.map((e) => ({
        name: e.name,
        weight: this.options.plan.endpoints?.find((p) => p.name === e.name)?.weight ?? 0,
        requests: e.requests,
        latency: e.latency,
      })),
      intervals: merged.intervals,
      thresholds: [],
    };
  }

  private send<K extends Kind>(ws: WebSocket, kind: K, body: Parameters<typeof encode<K>>[1]): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(encode(kind, body));
  }
}

/** The open model's asked rate (req/s): the plan's rate, or the average over its stages; null when closed. */
function askedRate(plan: PlanFields): number | null {
  if (!plan.open) return null;
  const stages = plan.stages ?? [];
  if (stages.length === 0) return plan.rate ?? 0;
  let from = plan.rate ?? 0;
  let requests = 0;
  let ms = 0;
  for (const s of stages) {
    const to = s.target ?? 0;
    requests += ((from + to) / 2) * ((s.durationMs ?? 0) / 1000);
    ms += s.durationMs ?? 0;
    from = to;
  }
  return ms > 0 ? Math.round((requests * 1000 * 10) / ms) / 10 : 0;
}

/** Compares the bearer token in constant time, so its length or prefix cannot be probed by timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  const same = given.length === want.length && timingSafeEqual(given, want);
  return same && want.length > 0;
}
