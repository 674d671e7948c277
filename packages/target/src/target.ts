import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the target answers, unless a request's query says otherwise. */
export interface TargetOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed latency before answering, ms. */
  latencyMs?: number;
  /** With latencyMs: latency drawn uniformly from [latencyMs, latencyMaxMs]. */
  latencyMaxMs?: number;
  status?: number;
  bodySize?: number;
}

/** What the target has seen, so tests compare a load tool's counts with the server's own. */
export interface TargetStats {
  requests: number;
  connections: number;
  /** Connections open right now. */
  open: number;
}

/** A running target. */
export interface Target {
  readonly url: string;
  readonly port: number;
  stats(): TargetStats;
  close(): Promise<void>;
}

/** Invalid target options; one line fit for a user. */
export class TargetError extends Error {
  readonly code = 'INVALID_TARGET_OPTION';
}

const MAX_BODY = 64 * 1024 * 1024;

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'no such local address',
  ENOTFOUND: 'host name did not resolve',
};

function check(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TargetError(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

function queryInt(query: URLSearchParams, name: string): number | undefined {
  const text = query.get(name);
  if (text === null) return undefined;
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}

/**
 * Starts the built-in target. Per request, the query can override the defaults: `?status=503`, `?delay=250`
 * (ms), `?size=1024` (body bytes), `?reset=1` (destroy the socket without answering), `?stall=1` (never answer).
 */
export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const latencyMs = check('latency', options.latencyMs ?? 0, 0, 3_600_000);
  const latencyMaxMs = check('latency max', options.latencyMaxMs ?? latencyMs, latencyMs, 3_600_000);
  const status = check('status', options.status ?? 200, 100, 599);
  const bodySize = check('body size', options.bodySize ?? 2, 0, MAX_BODY);
  const bodies = new Map<number, Buffer>([[bodySize, Buffer.alloc(bodySize, 'x')]]);
  const bodyOf = (size: number): Buffer => {
    let body = bodies.get(size);
    if (!body) {
      body = Buffer.alloc(Math.min(size, MAX_BODY), 'x');
      if (bodies.size < 64) bodies.set(size, body);
    }
    return body;
  };
  const stats: TargetStats = { requests: 0, connections: 0, open: 0 };

  const answer = (res: ServerResponse, code: number, body: Buffer): void => {
    if (res.destroyed) return;
    res.writeHead(code, { 'content-type': 'text/plain', 'content-length': body.byteLength });
    res.end(body);
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const url = req.url ?? '/';
    // Drain any request body before answering, so keep-alive connections stay usable.
    req.resume();
    const q = url.indexOf('?');
    let code = status;
    let body = bodyOf(bodySize);
    let wait = latencyMaxMs > latencyMs ? latencyMs + Math.random() * (latencyMaxMs - latencyMs) : latencyMs;
    // Only requests that carry a query pay for parsing it.
    if (q >= 0) {
      const query = new URLSearchParams(url.slice(q + 1));
      if (query.get('reset') === '1') {
        req.socket.destroy();
        return;
      }
      if (query.get('stall') === '1') return;
      const s = queryInt(query, 'status');
      if (s !== undefined && s >= 100 && s <= 599) code = s;
      const size = queryInt(query, 'size');
      if (size !== undefined) body = bodyOf(size);
      wait = queryInt(query, 'delay') ?? wait;
    }
    if (wait > 0) setTimeout(answer, wait, res, code, body);
    else answer(res, code, body);
  });
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket) => {
    stats.connections++;
    stats.open++;
    socket.once('close', () => {
      stats.open--;
    });
  });

  const where = `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // A busy or forbidden port is the user's to fix: say which, in one line.
      const why = LISTEN_ERRORS[err.code ?? ''];
      reject(why ? new TargetError(`cannot listen on ${where}: ${why}`) : err);
    });
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    port: address.port,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
