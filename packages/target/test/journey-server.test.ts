import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  type JourneyServer,
  journeyUsers,
  passwordOf,
  startJourneyServer,
  TargetError,
  usersCsv,
} from '../src/index.js';

/** Logs in with plain fetch: the token from the body, the cookie from Set-Cookie. */
async function logIn(url: string, user: string, password = passwordOf(user)) {
  const res = await fetch(`${url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user, password }),
  });
  const setCookie = res.headers.get('set-cookie') ?? '';
  const body = (await res.json()) as { token?: string; user?: string };
  return { status: res.status, body, setCookie, cookie: setCookie.split(';')[0] ?? '' };
}

const send = async (url: string, path: string, headers: Record<string, string>, method = 'GET') => {
  const res = await fetch(`${url}${path}`, { method, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('journey server', () => {
  let server: JourneyServer;
  before(async () => {
    server = await startJourneyServer();
  });
  after(() => server.close());

  it('logs a user in with a token and a session cookie, and serves /me and /order to that login', async () => {
    const login = await logIn(server.url, 'ann');
    assert.equal(login.status, 200);
    assert.equal(login.body.user, 'ann');
    assert.match(login.body.token ?? '', /^[0-9a-f]{32}$/);
    assert.match(login.setCookie, /^session=[0-9a-f]{32}; Path=\/; HttpOnly$/);
    const auth = { authorization: `Bearer ${login.body.token}`, cookie: login.cookie };
    assert.deepEqual(await send(server.url, '/me?n=5', auth), { status: 200, body: { ok: true, user: 'ann' } });
    const first = await send(server.url, '/order', auth, 'POST');
    const second = await send(server.url, '/order', auth, 'POST');
    assert.equal(first.status, 200);
    assert.equal((second.body.order as number) - (first.body.order as number), 1);
    const stats = server.stats();
    assert.equal(stats.logins.ann, 1);
    assert.equal(stats.requests['POST /login'], 1);
    assert.equal(stats.requests['GET /me'], 1, 'the query is not part of the path');
    assert.equal(stats.requests['POST /order'], 2);
    const times = stats.arrivals[login.body.token ?? ''] ?? [];
    assert.equal(times.length, 4, 'the login, /me and two orders');
    assert.ok(
      times.every((t, i) => i === 0 || t >= (times[i - 1] as number)),
      'arrivals in order',
    );
    assert.equal(stats.mismatched, 0);
  });

  it('refuses a wrong password, and requests without the token or the cookie, counting each', async () => {
    const before = server.stats();
    assert.equal((await logIn(server.url, 'bob', 'guess')).status, 401);
    const login = await logIn(server.url, 'bob');
    const token = `Bearer ${login.body.token}`;
    assert.equal((await send(server.url, '/me', { authorization: token })).status, 401);
    assert.equal((await send(server.url, '/me', { cookie: login.cookie })).status, 401);
    assert.equal(
      (await send(server.url, '/order', { authorization: 'Bearer nope', cookie: login.cookie }, 'POST')).status,
      401,
    );
    const after = server.stats();
    assert.equal(after.failedLogins - before.failedLogins, 1);
    assert.equal(after.unauthorized - before.unauthorized, 3);
    assert.equal(after.logins.bob, 1);
    assert.equal(after.mismatched, 0, 'a missing half is not a mismatch');
  });

  it('counts a token sent with the cookie of another login as a mismatch', async () => {
    const a = await logIn(server.url, 'cy');
    const b = await logIn(server.url, 'di');
    const crossed = await send(server.url, '/me', { authorization: `Bearer ${a.body.token}`, cookie: b.cookie });
    assert.equal(crossed.status, 401);
    const both = await send(server.url, '/me', {
      authorization: `Bearer ${a.body.token}`,
      cookie: `${a.cookie}; ${b.cookie}`,
    });
    assert.equal(both.status, 401, 'a jar that kept an old session is caught too');
    assert.equal(server.stats().mismatched, 2);
  });

  it('answers unknown paths 404 and wrong methods 405', async () => {
    assert.equal((await fetch(`${server.url}/nope`)).status, 404);
    assert.equal((await fetch(`${server.url}/login`)).status, 405);
    assert.equal((await fetch(`${server.url}/me`, { method: 'DELETE' })).status, 405);
  });
});

describe('journey server options', () => {
  it('answers every Nth /me wrongly, and counts exactly those', async () => {
    const server = await startJourneyServer({ wrongEvery: 3 });
    try {
      const login = await logIn(server.url, 'ann');
      const auth = { authorization: `Bearer ${login.body.token}`, cookie: login.cookie };
      const oks: unknown[] = [];
      for (let i = 0; i < 10; i++) oks.push((await send(server.url, '/me', auth)).body.ok);
      assert.deepEqual(oks, [true, true, false, true, true, false, true, true, false, true]);
      assert.equal(server.stats().wrongBodies, 3);
    } finally {
      await server.close();
    }
  });

  it('takes only the users it is given', async () => {
    const server = await startJourneyServer({ users: [{ name: 'ann', password: 's3cret' }] });
    try {
      assert.equal((await logIn(server.url, 'ann', 's3cret')).status, 200);
      assert.equal((await logIn(server.url, 'ann')).status, 401);
      assert.equal((await logIn(server.url, 'bob')).status, 401);
      assert.deepEqual(server.stats().logins, { ann: 1 });
    } finally {
      await server.close();
    }
  });

  it('refuses a bad wrongEvery', async () => {
    await assert.rejects(startJourneyServer({ wrongEvery: -1 }), TargetError);
  });
});

describe('journey users fixture', () => {
  it('makes users whose passwords the server takes, as a CSV data file', async () => {
    const users = journeyUsers(12);
    assert.equal(users.length, 12);
    assert.deepEqual(users[0], { name: 'user-01', password: 'pw-user-01' });
    assert.equal(new Set(users.map((u) => u.name)).size, 12);
    assert.equal(usersCsv(users.slice(0, 2)), 'name,password\nuser-01,pw-user-01\nuser-02,pw-user-02\n');
    assert.equal(usersCsv([{ name: 'a,"b"', password: 'p' }]), 'name,password\n"a,""b""",p\n');
    const server = await startJourneyServer();
    try {
      assert.equal((await logIn(server.url, users[11]?.name ?? '', users[11]?.password)).status, 200);
    } finally {
      await server.close();
    }
  });
});
