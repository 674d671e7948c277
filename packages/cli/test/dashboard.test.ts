import assert from 'node:assert/strict';
import { request } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { describe, it } from 'node:test';
import type { ControllerEvent } from '@volley/controller';
import { createIntervalHistogram, encodeHistogramBase64 } from '@volley/metrics';
import { resolvePlan } from '@volley/plan';
import { parseThreshold } from '@volley/report';
import { type Dashboard, startDashboard } from '../src/dashboard-server.js';
import { DashboardState, type LiveMessage } from '../src/dashboard-state.js';
import { freePort, volley } from './bin.js';

/** One HTTP request with the headers given (fetch cannot set Host); the status and body. */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (s: string) => (body += s));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The `data:` messages of an event stream, until `until` says enough. */
function events(url: string, until: (msgs: LiveMessage[]) => boolean): Promise<LiveMessage[]> {
  return new Promise((resolve, reject) => {
    const msgs: LiveMessage[] = [];
    const req = request(url, (res) => {
      let buffer = '';
      res.setEncoding('utf8').on('data', (s: string) => {
        buffer += s;
        let at = buffer.indexOf('\n\n');
        while (at >= 0) {
          const chunk = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          if (chunk.startsWith('data: ')) msgs.push(JSON.parse(chunk.slice(6)));
          at = buffer.indexOf('\n\n');
        }
        if (until(msgs)) {
          req.destroy();
          resolve(msgs);
        }
      });
      res.on('end', () => resolve(msgs));
    });
    req.on('error', reject);
    req.end();
  });
}

function interval(t: number, latencyUs: number): ControllerEvent {
  const h = createIntervalHistogram();
  for (let i = 0; i < 10; i++) h.recordValue(latencyUs);
  const summary = { t, durationMs: 1000, requests: 10, errors: 0, rps: 10, p50: 1, p90: 1, p99: 1, max: 1 };
  return {
    type: 'interval',
    interval: { ...summary, histogram: encodeHistogramBase64(h) },
    total: { requests: 10 * (t + 1), errors: 0, elapsedMs: 1000 * (t + 1) },
    agents: 1,
    detail: { byStatus: { '200': 8, '503': 2 }, byError: {}, classes: [], dropped: 0, endpoints: [] },
    health: [
      {
        name: 'a1',
        host: 'h1',
        state: 'ready',
        lost: false,
        requests: 10 * (t + 1),
        errors: 0,
        p99Ms: 1,
        health: undefined,
      },
    ],
  };
}

async function dashboard(host: string, stops: string[]): Promise<{ d: Dashboard; base: string }> {
  const port = await freePort();
  const d = await startDashboard({
    address: `${host}:${port}`,
    token: 's3cret',
    plan: resolvePlan({ url: 'http://h/', rate: 10 }),
    thresholds: [parseThreshold('p99<5ms')],
    expectedAgents: 2,
    onStop: () => stops.push('stop'),
  });
  return { d, base: `http://127.0.0.1:${port}` };
}

describe('the dashboard server', () => {
  it('streams the whole state on connect, then each interval, judging thresholds on the figures so far', async () => {
    const { d, base } = await dashboard('127.0.0.1', []);
    try {
      d.listener({ type: 'joined', name: 'a1', host: 'h1', joined: 1, of: 2 });
      const stream = events(`${base}/events`, (m) => m.length >= 3);
      await new Promise((r) => setTimeout(r, 100));
      d.listener({ type: 'started', agents: 1, spreadMs: 0 });
      d.listener(interval(0, 1000));
      const [first, second, third] = await stream;
      assert.equal(first?.reset, true);
      assert.equal(first?.status, 'waiting');
      assert.deepEqual(
        first?.agents.map((a) => a.name),
        ['a1'],
      );
      assert.equal(second?.status, 'running');
      assert.equal(third?.points.length, 1);
      assert.equal(third?.points[0]?.byClass['5xx'], 2);
      assert.equal(third?.figures.find((f) => f.id === 'requests')?.value, '10');
      assert.deepEqual(third?.thresholds, [{ expr: 'p99<5ms', actual: '1.00 ms', pass: true }]);
      d.listener(interval(1, 9000));
      const late = await events(`${base}/events`, (m) => m.length >= 1);
      assert.equal(late[0]?.points.length, 2, 'a page opened later gets every point');
      assert.equal(late[0]?.thresholds[0]?.pass, false, 'p99 so far is now 9 ms');
    } finally {
      await d.close();
    }
  });

  it('on loopback, refuses another Host (DNS rebinding) and a Stop without the page’s key', async () => {
    const stops: string[] = [];
    const { d, base } = await dashboard('127.0.0.1', stops);
    try {
      assert.equal((await get(`${base}/`, { host: 'evil.example' })).status, 421);
      const page = await get(`${base}/`);
      assert.equal(page.status, 200);
      assert.match(page.body, /connect-src 'self'/);
      assert.equal((await get(`${base}/stop`, {}, 'POST')).status, 403, 'a form on another site cannot stop it');
      assert.equal((await get(`${base}/stop`, {}, 'GET')).status, 404);
      assert.deepEqual(stops, []);
      const key = /"stopKey":"([0-9a-f]+)"/.exec(page.body)?.[1] ?? '';
      assert.equal((await get(`${base}/stop`, { 'x-volley-stop': key }, 'POST')).status, 202);
      assert.deepEqual(stops, ['stop']);
    } finally {
      await d.close();
    }
  });

  it('beyond loopback, asks every request for the token', async () => {
    const { d, base } = await dashboard('0.0.0.0', []);
    try {
      assert.match(d.url, /\?token=s3cret$/);
      assert.equal((await get(`${base}/`)).status, 401);
      assert.equal((await get(`${base}/events`)).status, 401);
      assert.equal((await get(`${base}/?token=wrong`)).status, 401);
      assert.equal((await get(`${base}/?token=s3cret`)).status, 200);
      assert.equal((await get(`${base}/`, { authorization: 'Bearer s3cret' })).status, 200);
      assert.equal((await get(`${base}/stop?token=s3cret`, {}, 'POST')).status, 403, 'the token alone is no Stop');
    } finally {
      await d.close();
    }
  });
});

describe('the dashboard state', () => {
  it('counts each step’s checks and the sends that never went out', () => {
    const state = new DashboardState(resolvePlan({ url: 'http://h/', rate: 10 }), [], 1, 'a flow');
    const base = interval(0, 1000);
    assert.equal(base.type, 'interval');
    if (base.type !== 'interval') return;
    const h = base.interval.histogram;
    const step = (name: string, passed: number, failed: number) => ({
      ...{ name, histogram: h, byStatus: { '200': 5 }, byError: {}, classes: [] },
      ...{ checksPassed: passed, checksFailed: failed },
    });
    state.listener({
      ...base,
      detail: { ...base.detail, dropped: 3, endpoints: [step('login', 8, 2), step('home', 0, 0)] },
    });
    const msg = state.message(0, true);
    assert.deepEqual(
      msg.endpoints.map((row) => row.slice(0, 5)),
      [
        ['login', '5', '0', '0', '80.0% passed'],
        ['home', '5', '0', '0', '-'],
      ],
    );
    assert.equal(msg.figures.find((f) => f.id === 'dropped')?.value, '3');
    assert.equal(msg.points[0]?.dropped, 3);
    assert.deepEqual(msg.heads.endpoints.slice(0, 5), ['name', 'requests', 'errors', '≥ 400', 'checks']);
  });
});

describe('--dashboard on the command line', () => {
  it('refuses a malformed address and a port in use with one line and exit 2, nothing sent', async () => {
    const bad = await volley('run', 'http://127.0.0.1:9/', '-n', '1', '--dashboard', 'nine');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr.trim(), /^volley: --dashboard must be PORT or HOST:PORT, got "nine"$/);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const out = await volley('run', 'http://127.0.0.1:9/', '-n', '1', '--dashboard', String(port));
      assert.equal(out.code, 2, out.stderr);
      assert.match(out.stderr.trim(), /^volley: cannot serve the dashboard on \d+: EADDRINUSE$/);
    } finally {
      busy.close();
    }
  });
});
