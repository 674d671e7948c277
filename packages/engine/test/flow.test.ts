import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { IntervalData } from '@volley/metrics';
import { type Flow, type FlowStep, type PlanInput, resolvePlan } from '@volley/plan';
import { prepare, startRun } from '../src/index.js';

// A small stateful server: /login issues a token and a cookie, /me wants both of the same login.
interface Seen {
  logins: Map<string, number>;
  mismatched: number;
  me: number;
  seqs: string[];
}
let server: Server;
let origin = '';
const seen: Seen = { logins: new Map(), mismatched: 0, me: 0, seqs: [] };

before(async () => {
  let n = 0;
  const sessions = new Map<string, string>();
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      if (url.pathname === '/login') {
        const user = (JSON.parse(body) as { user: string }).user;
        seen.logins.set(user, (seen.logins.get(user) ?? 0) + 1);
        const token = `t${++n}`;
        sessions.set(token, `s${n}`);
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `session=s${n}; Path=/; HttpOnly` });
        res.end(JSON.stringify({ token, user }));
        return;
      }
      if (url.pathname === '/me') {
        seen.me++;
        seen.seqs.push(url.searchParams.get('seq') ?? '');
        const token = (req.headers.authorization ?? '').replace('Bearer ', '');
        const cookie = /session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
        if (!sessions.has(token) || sessions.get(token) !== cookie) {
          seen.mismatched++;
          res.writeHead(401).end('{"ok":false}');
          return;
        }
        // Every 4th answer is wrong, to count failed checks exactly.
        res.writeHead(seen.me % 4 === 0 ? 404 : 200, { 'x-user': url.searchParams.get('u') ?? '' });
        res.end(seen.me % 4 === 0 ? '{"ok":false}' : '{"ok":true}');
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const step = (over: Partial<FlowStep>): FlowStep => ({
  name: 's',
  method: 'GET',
  origin,
  path: '/',
  headers: [],
  body: null,
  checks: [],
  captures: [],
  think: null,
  weight: 1,
  ...over,
});

const journey = (rows: number): Flow => ({
  pick: 'sequence',
  steps: [
    step({
      name: 'login',
      method: 'POST',
      path: '/login',
      headers: [['content-type', 'application/json']],
      body: '{"user":"{{ users.name }}"}',
      checks: [{ type: 'status', statuses: [200] }],
      captures: [{ name: 'token', from: 'json', expr: '$.token' }],
    }),
    step({
      name: 'me',
      path: '/me?u={{ users.name }}&seq={{ $seq }}',
      headers: [['authorization', 'Bearer {{ token }}']],
      checks: [
        { type: 'status', statuses: [200] },
        { type: 'body', contains: '"ok":true' },
        { type: 'header', name: 'x-user', equals: '{{ users.name }}' },
      ],
    }),
  ],
  data: [
    { name: 'users', order: 'unique', columns: ['name'], rows: Array.from({ length: rows }, (_, i) => [`u${i}`]) },
  ],
  cookies: true,
  seqStart: 0,
  seqStride: 1,
  vuStart: 1,
});

function totals(intervals: IntervalData[]) {
  const out = { iterations: 0, started: 0, checks: new Map<string, [number, number]>() };
  for (const i of intervals) {
    out.iterations += i.iterations ?? 0;
    out.started += i.iterationsStarted ?? 0;
    for (const e of i.endpoints ?? []) {
      for (const c of e.checks ?? []) {
        const key = `${e.name}:${c.name}`;
        const [p, f] = out.checks.get(key) ?? [0, 0];
        out.checks.set(key, [p + c.passed, f + c.failed]);
      }
    }
  }
  return out;
}

describe('flows against a real stateful server', () => {
  it('uses each unique row once, carries token and cookie, and counts checks exactly', async () => {
    seen.logins.clear();
    seen.mismatched = 0;
    seen.me = 0;
    seen.seqs = [];
    const intervals: IntervalData[] = [];
    const input: PlanInput = { url: `${origin}/`, connections: 3, durationMs: 20_000, flow: journey(40) };
    const stats = await startRun(resolvePlan(input), (i) => intervals.push(i)).done;
    assert.equal(seen.logins.size, 40);
    assert.ok([...seen.logins.values()].every((n) => n === 1));
    assert.equal(seen.mismatched, 0);
    assert.equal(stats.requests, 80);
    const t = totals(intervals);
    assert.equal(t.iterations, 40);
    assert.equal(t.started, 40);
    assert.deepEqual(t.checks.get('login:capture token'), [40, 0]);
    assert.deepEqual(t.checks.get('me:status'), [30, 10]);
    assert.deepEqual(t.checks.get('me:body_contains'), [30, 10]);
    assert.deepEqual(t.checks.get('me:header x-user'), [40, 0]);
    assert.equal(new Set(seen.seqs).size, 40);
    // The data ran out long before the 20 s: the run ended there.
    assert.ok(stats.durationMs < 15_000, `ended after ${stats.durationMs} ms`);
  });

  it('splits unique rows across threads: still each once', async () => {
    seen.logins.clear();
    seen.mismatched = 0;
    seen.seqs = [];
    const intervals: IntervalData[] = [];
    const input: PlanInput = { url: `${origin}/`, connections: 4, durationMs: 20_000, flow: journey(30) };
    const run = prepare(resolvePlan(input), (i) => intervals.push(i), { workers: 2 });
    await run.ready;
    await run.start().done;
    assert.equal(seen.logins.size, 30);
    assert.ok([...seen.logins.values()].every((n) => n === 1));
    assert.equal(seen.mismatched, 0);
    assert.equal(totals(intervals).iterations, 30);
    assert.equal(new Set(seen.seqs).size, 30);
  });

  it('runs the open model: iterations on the schedule, bounded by an iteration count', async () => {
    seen.mismatched = 0;
    const intervals: IntervalData[] = [];
    const flow = {
      ...journey(1),
      data: [{ ...journey(1).data[0], order: 'sequential' as const, rows: [['a'], ['b']] }],
    };
    const input: PlanInput = { url: `${origin}/`, model: 'open', rate: 200, requests: 50, flow: flow as Flow };
    const stats = await startRun(resolvePlan(input), (i) => intervals.push(i)).done;
    assert.equal(stats.requests, 100);
    assert.equal(totals(intervals).iterations, 50);
    assert.equal(seen.mismatched, 0);
    assert.ok(intervals.some((i) => i.serviceHistogram));
  });
});
