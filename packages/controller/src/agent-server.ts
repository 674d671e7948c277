import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { decode, encode, type Kind, MAX_FRAME_BYTES, type Message, PROTOCOL_VERSION } from '@volley/protocol';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { printable } from './printable.js';

export const DEFAULT_HEARTBEAT_MS = 1_000;
export const DEFAULT_AGENT_TIMEOUT_MS = 5_000;
/** A connection that has not said Hello by then is closed: nothing unauthenticated may hold a seat. */
export const DEFAULT_HELLO_TIMEOUT_MS = 5_000;
/**
 * Heartbeats go out in this many slices of the period, each agent in its own: to 2,000 agents at once they were
 * 30 ms of writes (and then 2,000 echoes to read), which held up a merged interval whenever they met its reports.
 */
export const HEARTBEAT_SLICES = 8;

/** One joined agent's connection, as the run phases see it. */
export interface AgentLink {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  send<K extends Kind>(kind: K, body: Parameters<typeof encode<K>>[1]): void;
  /** Closes politely (a Close frame); `terminate` drops the socket at once. */
  close(code: number, reason: string): void;
  terminate(): void;
}

/** What the socket side asks of and tells the run phases. */
export interface AgentServerHandler {
  /** Why an agent may not join now, or undefined to let it in. */
  refuse(): string | undefined;
  joined(link: AgentLink): void;
  /** Every frame after the Hello, decoded. */
  message(link: AgentLink, msg: Message): void;
  /** The connection closed, or went silent and was dropped. */
  departed(link: AgentLink): void;
}

/** How the socket side listens and watches. */
export interface AgentServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  token?: string;
  /** Serve wss:// with this certificate and key (PEM). */
  tls?: { cert: Buffer | string; key: Buffer | string };
  heartbeatMs?: number;
  /** An agent silent this long (ms) is dropped. */
  agentTimeoutMs?: number;
  /** A connection that has not said Hello this long (ms) after its upgrade is closed. */
  helloTimeoutMs?: number;
  logger: Logger;
}

interface Link extends AgentLink {
  ws: WebSocket;
  lastHeard: number;
  /** Which slice of the heartbeat period its beat goes out in. */
  slice: number;
}

/**
 * The controller's socket side: listens (TLS optional), checks the bearer token before the upgrade, decodes
 * frames, admits agents on their Hello, sends heartbeats and drops agents that go silent. It knows nothing of
 * runs: what a frame means is the handler's business.
 */
export class AgentServer {
  private readonly log: Logger;
  private readonly links = new Map<WebSocket, Link>();
  private readonly pending = new Set<WebSocket>();
  /** Every TCP connection, upgraded or not: closing destroys them all, so it never waits on a peer. */
  private readonly sockets = new Set<Socket>();
  /** Connections whose agent said Hello; any other is dropped once the Hello time is up. */
  private readonly admitted = new WeakSet<Duplex>();
  private server: Server | undefined;
  private lastBeat = 0;
  /** Slices of the heartbeat period so far, and agents admitted so far (each takes the next slice). */
  private beats = 0;
  private admittedCount = 0;
  private wss: WebSocketServer | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: AgentServerOptions,
    private readonly handler: AgentServerHandler,
  ) {
    this.log = options.logger;
  }

  /** Starts listening; resolves with the ws:// (or wss://) address agents connect to. */
  async listen(): Promise<string> {
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
    const answer = (_req: IncomingMessage, res: ServerResponse): void => {
      res.writeHead(426, { 'content-type': 'text/plain' }).end('volley controller: connect with a WebSocket\n');
    };
    const { tls } = this.options;
    const helloMs = this.options.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS;
    const server = tls
      ? createHttpsServer({ cert: tls.cert, key: tls.key, handshakeTimeout: helloMs }, answer)
      : createHttpServer(answer);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      if (!tls) this.watchHello(socket, helloMs);
    });
    // Behind TLS the socket the upgrade sees is the TLS one; before its handshake, handshakeTimeout holds.
    if (tls) server.on('secureConnection', (socket: Duplex) => this.watchHello(socket, helloMs));
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    wss.on('connection', (ws, req) => this.accept(ws, req));
    this.server = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, this.options.host ?? '127.0.0.1', () => resolve());
    });
    // Heartbeats run from the first agent on: an agent waiting for the others must not trip its dead-man switch.
    this.lastBeat = performance.now();
    const beatMs = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.heartbeat = setInterval(() => this.beat(), beatMs / HEARTBEAT_SLICES);
    const { address, port, family } = server.address() as AddressInfo;
    return `${tls ? 'wss' : 'ws'}://${family === 'IPv6' ? `[${address}]` : address}:${port}`;
  }

  /** Stops the heartbeats; the connections stay open. */
  quiet(): void {
    clearInterval(this.heartbeat);
  }

  /** Drops every connection and stops listening; never waits on a peer. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const ws of [...this.links.keys(), ...this.pending]) ws.terminate();
    this.wss?.close();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    // An HTTPS server knows no connection before its TLS handshake, and would wait on such a one for minutes.
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
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

  /**
   * Drops a connection that has not said Hello `helloMs` after it connected: idle, half-sent or upgraded and
   * mute, nothing unauthenticated may hold a seat or the close.
   */
  private watchHello(socket: Duplex, helloMs: number): void {
    const timer = setTimeout(() => {
      if (this.admitted.has(socket) || socket.destroyed) return;
      this.log.warn({ from: (socket as Socket).remoteAddress }, 'closing a connection that did not say Hello in time');
      socket.destroy();
    }, helloMs);
    socket.once('close', () => clearTimeout(timer));
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const from = req.socket.remoteAddress ?? '';
    this.pending.add(ws);
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
      const link = this.links.get(ws);
      if (link) {
        link.lastHeard = performance.now();
        this.handler.message(link, msg);
      } else if (msg.kind === 'hello') {
        this.admitted.add(req.socket);
        this.hello(ws, msg, from);
      } else {
        ws.close(1008, 'hello first');
      }
    });
    ws.on('close', () => {
      this.pending.delete(ws);
      const link = this.links.get(ws);
      if (!link) return;
      this.links.delete(ws);
      this.handler.departed(link);
    });
    ws.on('error', (err) => this.log.warn({ from, err: err.message }, 'agent connection error'));
  }

  private hello(ws: WebSocket, msg: Extract<Message, { kind: 'hello' }>, from: string): void {
    this.pending.delete(ws);
    const refusal =
      msg.version !== PROTOCOL_VERSION
        ? `protocol version ${msg.version} is not supported: this controller speaks version ${PROTOCOL_VERSION}`
        : this.handler.refuse();
    if (refusal) {
      this.log.warn({ reason: refusal }, 'rejected an agent');
      if (ws.readyState === WebSocket.OPEN) ws.send(encode('reject', { reason: refusal }));
      ws.close(1008, 'rejected');
      return;
    }
    const link: Link = {
      id: msg.body.agentId || randomUUID(),
      // What an agent calls itself reaches terminals and reports: never raw.
      name: printable(msg.body.name),
      host: printable(msg.body.host || from),
      ws,
      lastHeard: performance.now(),
      slice: this.admittedCount++ % HEARTBEAT_SLICES,
      send: (kind, body) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(encode(kind, body));
      },
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
    };
    this.links.set(ws, link);
    link.send('welcome', { agentId: link.id });
    this.handler.joined(link);
  }

  /**
   * Proof of life to this slice's agents (every agent hears one each heartbeat period), and the silent ones of
   * all slices dropped (the run decides what a departure means).
   */
  private beat(): void {
    const silentAfter = this.options.agentTimeoutMs ?? DEFAULT_AGENT_TIMEOUT_MS;
    const beatMs = this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    const now = performance.now();
    const gap = now - this.lastBeat;
    this.lastBeat = now;
    // Subtleness ahead: after the controller itself was frozen (SIGSTOP, swap, a long GC), this timer runs before
    // the frames that arrived meanwhile are read. Time we could not listen is nobody's silence: it is credited to
    // every agent, and silence counts from the last frame we had the chance to process.
    if (gap > 2 * beatMs) {
      for (const link of this.links.values()) link.lastHeard = Math.min(now, link.lastHeard + gap - beatMs);
    }
    // One frame for every agent of the slice: with 2,000 of them, encoded once a beat instead of once an agent.
    const frame = encode('heartbeat', { sentAtMs: now });
    const slice = this.beats++ % HEARTBEAT_SLICES;
    for (const link of this.links.values()) {
      if (now - link.lastHeard > silentAfter) {
        this.log.error({ agent: link.name, silentMs: Math.round(now - link.lastHeard) }, 'agent silent: dropping it');
        this.links.delete(link.ws);
        link.ws.terminate();
        this.handler.departed(link);
        continue;
      }
      if (link.slice === slice && link.ws.readyState === WebSocket.OPEN) link.ws.send(frame);
    }
  }
}

/** Compares the bearer token in constant time, so its length or prefix cannot be probed by timing. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') ? header.slice(7) : '');
  const want = Buffer.from(token);
  const same = given.length === want.length && timingSafeEqual(given, want);
  return same && want.length > 0;
}
