import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControllerEvent } from '@volley/controller';
import type { Result } from '@volley/metrics';
import type { Plan } from '@volley/plan';
import { htmlView, renderDashboardPage, renderHtml, type Threshold } from '@volley/report';
import { DashboardState } from './dashboard-state.js';
import { UsageError } from './errors.js';

/** How long the final report may take to reach the pages before the server closes anyway. */
const FINISH_WAIT_MS = 2_000;

/** Pages following the run at once: each holds a stream; past this, more are refused. */
export const MAX_VIEWERS = 32;

/** What the dashboard serves and who may see it. */
export interface DashboardOptions {
  /** `PORT` (loopback) or `HOST:PORT`. */
  address: string;
  /** Required of every request beyond loopback (`?token=` or `Authorization: Bearer`); ignored on loopback. */
  token: string;
  plan: Plan;
  thresholds: readonly Threshold[];
  expectedAgents: number;
  /** The Stop button: aborts the run, whose report is still written. */
  onStop: () => void;
}

/** The live dashboard of a run (`--dashboard`). */
export interface Dashboard {
  readonly listener: (event: ControllerEvent) => void;
  /** Where to open it; with `?token=` when it listens beyond loopback. */
  readonly url: string;
  /** Sends every page the final report (to draw, and as the HTML file to download) and ends their streams. */
  finish(result: Result): Promise<void>;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** `8089` (loopback) or `HOST:PORT` (`0.0.0.0:8089` to be seen from elsewhere, with the token). */
export function parseDashboardAddress(text: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--dashboard must be PORT or HOST:PORT, got ${JSON.stringify(text)}`);
  }
  return { host: (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * Serves one page (`/`), its event stream (`/events`, server-sent events: the whole state on connect, then what
 * changed at each interval) and `POST /stop`. On loopback, requests must name a loopback host (no DNS rebinding);
 * beyond it, each must carry the token. A Stop must also carry the key given to the page this server served, in
 * a header no other site's page can set, so a link or a form elsewhere cannot stop the run.
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { host, port } = parseDashboardAddress(options.address);
  const open = !LOOPBACK.has(host);
  const stopKey = randomBytes(16).toString('hex');
  const state = new DashboardState(options.plan, options.thresholds, options.expectedAgents, title(options.plan));
  const viewers = new Map<ServerResponse, number>();
  let final: string | undefined;
  let page: string | undefined;

  const allowed = (req: IncomingMessage, url: URL): boolean => {
    if (!open) return LOOPBACK.has(url.hostname.replace(/^\[|\]$/g, ''));
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const given = bearer ?? url.searchParams.get('token') ?? '';
    return timingSafeEqual(digest(given), digest(options.token));
  };

  const send = (res: ServerResponse, data: unknown): void => {
    res.write(`data: ${JSON.stringify(data)}\n\n`);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'invalid'}`);
    if (!allowed(req, url)) {
      res.writeHead(open ? 401 : 421).end(open ? 'volley: the dashboard needs ?token=\n' : 'volley: wrong host\n');
      return;
    }
    const headers = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
    if (req.method === 'GET' && url.pathname === '/') {
      page ??= renderDashboardPage({ stopKey, title: title(options.plan) });
      res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(page);
    } else if (req.method === 'GET' && url.pathname === '/events') {
      if (viewers.size >= MAX_VIEWERS) {
        res.writeHead(503).end('volley: too many dashboards open\n');
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'text/event-stream', 'x-accel-buffering': 'no' });
      send(res, state.message(0, true));
      if (final) {
        res.end(final);
        return;
      }
      viewers.set(res, state.pointCount);
      req.on('close', () => viewers.delete(res));
    } else if (req.method === 'POST' && url.pathname === '/stop') {
      if (req.headers['x-volley-stop'] !== stopKey) {
        res.writeHead(403).end('volley: Stop comes from the dashboard page only\n');
        return;
      }
      options.onStop();
      res.writeHead(202, headers).end('stopping\n');
    } else {
      res.writeHead(404).end('volley: the dashboard is at /\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot serve the dashboard on ${options.address}: ${err.code ?? err.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const where = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  // A keep-alive comment, so proxies and browsers do not drop a quiet stream (while agents are awaited).
  const keepAlive = setInterval(() => {
    for (const res of viewers.keys()) res.write(': keep-alive\n\n');
  }, 10_000).unref();

  return {
    listener: (event) => {
      state.listener(event);
      for (const [res, seen] of viewers) {
        send(res, state.message(seen));
        viewers.set(res, state.pointCount);
      }
    },
    url: `http://${where}:${bound.port}/${open ? `?token=${encodeURIComponent(options.token)}` : ''}`,
    finish: async (result) => {
      state.finishing();
      final = `data: ${JSON.stringify({ type: 'final', view: htmlView(result), html: renderHtml(result) })}\n\n`;
      const ended = [...viewers.keys()].map(
        (res) =>
          new Promise<void>((resolve) => {
            res.once('close', resolve);
            res.end(final, () => resolve());
          }),
      );
      viewers.clear();
      // A page that does not read its stream must not hold up the end of the run: close() cuts it off.
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, FINISH_WAIT_MS);
      });
      await Promise.race([Promise.all(ended), limit]);
      clearTimeout(timer);
    },
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(keepAlive);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The page's title: the scenario's name or the request it runs. */
function title(plan: Plan): string {
  if (plan.endpoints.length > 0) return `Volley: ${plan.endpoints.length} requests on ${new URL(plan.url).origin}`;
  return `Volley: ${plan.method} ${plan.url}`;
}
