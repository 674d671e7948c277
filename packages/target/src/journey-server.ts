import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TargetError } from './target.js';

/** A user the journey server knows: logging in takes this name and password. */
export interface JourneyUser {
  name: string;
  password: string;
}

export interface JourneyServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Who may log in. Without a list, any name whose password is `passwordOf(name)` (`journeyUsers` makes those). */
  users?: readonly JourneyUser[];
  /** The Nth, 2Nth, … authorized `/me` (over all users) answers `{"ok":false,…}`, counted; 0 never. */
  wrongEvery?: number;
}

/** What the journey server saw, so tests compare a run's counts, captures and cookies with the server's own. */
export interface JourneyStats {
  /** Successful logins, by user name. */
  logins: Record<string, number>;
  /** Logins refused (unknown user, wrong password, a body that is not `{ "user", "password" }`). */
  failedLogins: number;
  /** Every request, by method and path without the query: `POST /login`, `GET /me`. */
  requests: Record<string, number>;
  /** `/me` and `/order` refused for a missing or unknown token or session cookie. */
  unauthorized: number;
  /** Requests whose token and session cookie were each valid but from different logins: a jar or capture bug. */
  mismatched: number;
  /** `/me` bodies sent wrong on purpose (`wrongEvery`). */
  wrongBodies: number;
  /** Orders taken. */
  orders: number;
  /**
   * Per token: when its login arrived, then each authorized request carrying it, in ms (`performance.now()`), so
   * a test can measure the pauses between a virtual user's steps. At most MAX_ARRIVALS a token.
   */
  arrivals: Record<string, number[]>;
}

/** A running journey server. */
export interface JourneyServer {
  /** `http://127.0.0.1:PORT` (no trailing slash: a scenario's steps append paths). */
  readonly url: string;
  readonly port: number;
  stats(): JourneyStats;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;
export const MAX_ARRIVALS = 10_000;

/** The password the server takes for `name` when it is given no user list. */
export const passwordOf = (name: string): string => `pw-${name}`;

/** `n` users, `user-0001` …, with the passwords the server takes by default. */
export function journeyUsers(n: number): JourneyUser[] {
  const width = String(n).length;
  return Array.from({ length: n }, (_, i) => {
    const name = `user-${String(i + 1).padStart(width, '0')}`;
    return { name, password: passwordOf(name) };
  });
}

/** The users as a CSV data file: a `name,password` header, then a row each. */
export function usersCsv(users: readonly JourneyUser[]): string {
  const cell = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `name,password\n${users.map((u) => `${cell(u.name)},${cell(u.password)}\n`).join('')}`;
}

interface Login {
  user: string;
  session: string;
}

/**
 * Starts a stateful server for journey tests. `POST /login` with `{"user","password"}` answers 200
 * `{"token","user"}` and sets a `session` cookie (401 for a wrong password); `GET /me` and `POST /order` need
 * `Authorization: Bearer <token>` and the cookie of that same login, and answer `{"ok":true,"user"}` and
 * `{"ok":true,"order":N}` (401 otherwise). It counts what it saw; see JourneyStats.
 */
export async function startJourneyServer(options: JourneyServerOptions = {}): Promise<JourneyServer> {
  const wrongEvery = options.wrongEvery ?? 0;
  if (!Number.isInteger(wrongEvery) || wrongEvery < 0) {
    throw new TargetError(`wrongEvery must be a whole number of 0 or more, got ${wrongEvery}`);
  }
  const known = options.users ? new Map(options.users.map((u) => [u.name, u.password])) : null;
  const tokens = new Map<string, Login>();
  const sessions = new Map<string, string>();
  const stats: JourneyStats = {
    logins: {},
    failedLogins: 0,
    requests: {},
    unauthorized: 0,
    mismatched: 0,
    wrongBodies: 0,
    orders: 0,
    arrivals: {},
  };
  let meCount = 0;

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  };
  const arrived = (token: string, at: number) => {
    const list = stats.arrivals[token] ?? [];
    stats.arrivals[token] = list;
    if (list.length < MAX_ARRIVALS) list.push(at);
  };

  const login = (res: ServerResponse, body: string, at: number) => {
    let user: unknown;
    let password: unknown;
    try {
      ({ user, password } = JSON.parse(body) as { user?: unknown; password?: unknown });
    } catch {}
    const expected = typeof user === 'string' ? (known ? known.get(user) : passwordOf(user)) : undefined;
    if (typeof user !== 'string' || expected === undefined || password !== expected) {
      stats.failedLogins++;
      return json(res, 401, { ok: false, error: 'wrong user or password' });
    }
    const token = randomBytes(16).toString('hex');
    const session = randomBytes(16).toString('hex');
    tokens.set(token, { user, session });
    sessions.set(session, token);
    stats.logins[user] = (stats.logins[user] ?? 0) + 1;
    arrived(token, at);
    json(res, 200, { token, user }, { 'set-cookie': `session=${session}; Path=/; HttpOnly` });
  };

  /** The login both the token and the cookie belong to, or null (and counted) when they do not. */
  const authorized = (req: IncomingMessage, res: ServerResponse): { token: string; login: Login } | null => {
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const cookies = [...(req.headers.cookie ?? '').matchAll(/(?:^|;\s*)session=([^;\s]*)/g)].map((m) => m[1]);
    const byToken = bearer === undefined ? undefined : tokens.get(bearer);
    const fromCookies = new Set(cookies.map((s) => sessions.get(s ?? '')).filter((t) => t !== undefined));
    if (bearer && byToken && fromCookies.size > 0 && (fromCookies.size > 1 || !fromCookies.has(bearer))) {
      stats.mismatched++;
      json(res, 401, { ok: false, error: 'token and session cookie are from different logins' });
      return null;
    }
    if (!bearer || !byToken || fromCookies.size === 0) {
      stats.unauthorized++;
      json(res, 401, { ok: false, error: 'log in first: a bearer token and its session cookie' });
      return null;
    }
    return { token: bearer, login: byToken };
  };

  const server = createServer((req, res) => {
    const at = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q >= 0 ? url.slice(0, q) : url;
    const key = `${req.method} ${path}`;
    stats.requests[key] = (stats.requests[key] ?? 0) + 1;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) return json(res, 413, { ok: false, error: 'body too large' });
      const route = `${req.method} ${path}`;
      if (route === 'POST /login') return login(res, Buffer.concat(chunks).toString('utf8'), at);
      if (route === 'GET /me' || route === 'POST /order') {
        const auth = authorized(req, res);
        if (!auth) return;
        arrived(auth.token, at);
        if (route === 'POST /order') return json(res, 200, { ok: true, order: ++stats.orders });
        meCount++;
        if (wrongEvery > 0 && meCount % wrongEvery === 0) {
          stats.wrongBodies++;
          return json(res, 200, { ok: false, user: auth.login.user });
        }
        return json(res, 200, { ok: true, user: auth.login.user });
      }
      const ours = path === '/login' || path === '/me' || path === '/order';
      json(res, ours ? 405 : 404, { ok: false, error: ours ? 'method not allowed' : 'not found' });
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.removeAllListeners('error');
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
