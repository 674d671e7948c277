import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type JourneyServer, journeyUsers, startJourneyServer, usersCsv } from '@volley/target';
import { volley } from './bin.js';

// A scenario file, through the real binary and two agents, against the stateful journey server: what the file
// says is what the server sees.
describe('a journey from a scenario file', () => {
  let dir: string;
  let server: JourneyServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'volley-journey-run-'));
    server = await startJourneyServer({ wrongEvery: 20 });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("logs each user in once, carries each login's token and cookie, counts the wrong bodies and pauses", async () => {
    const users = journeyUsers(300);
    await writeFile(join(dir, 'users.csv'), usersCsv(users));
    const file = join(dir, 'journey.yaml');
    await writeFile(
      file,
      `url: ${server.url}
data:
  users: { file: users.csv, order: unique }
flow:
  - name: login
    method: POST
    path: /login
    headers: { content-type: application/json }
    body: '{"user": "{{ users.name }}", "password": "{{ users.password }}"}'
    check: { status: 200, json: { $.user: "{{ users.name }}" } }
    capture: { token: { json: $.token } }
  - name: me
    path: /me?n={{ $randomInt 1 1000 }}
    headers: { authorization: "Bearer {{ token }}" }
    check: { status: 200, body_contains: '"ok":true' }
    think: 60ms..80ms
  - name: order
    method: POST
    path: /order
    headers: { authorization: "Bearer {{ token }}" }
    check: { status: 200 }
load: { connections: 12, duration: 60s }
thresholds: ['checks{step=login}>0.999', 'p99{step=order}<10s', 'checks>0.995']
`,
    );
    const out = await volley('run', '--scenario', file, '--agents', '3', '--format', 'json');
    // 15 failed checks of 1,800 (3 on each login, 2 on each /me, 1 on each order) fail `checks>0.995`: exit 99,
    // and the result is still written.
    assert.equal(out.code, 99, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.deepEqual(
      result.thresholds.map((t: { expr: string; actual: number; pass: boolean }) => [t.expr, t.pass]),
      [
        ['checks{step=login}>0.999', true],
        ['p99{step=order}<10s', true],
        ['checks>0.995', false],
      ],
    );
    assert.equal(result.thresholds[2].actual, Math.round((1785 / 1800) * 1e6) / 1e6);
    // 300 unique rows, split over three agent processes, end the run at 300 iterations, long before the 60 s.
    assert.equal(result.iterations.count, 300);
    assert.equal(result.iterations.started, 300);
    assert.equal(result.agents.length, 3);
    const stats = server.stats();
    assert.deepEqual(stats.logins, Object.fromEntries(users.map((u) => [u.name, 1])));
    assert.deepEqual(stats.requests, { 'POST /login': 300, 'GET /me': 300, 'POST /order': 300 });
    assert.deepEqual([stats.unauthorized, stats.mismatched, stats.failedLogins], [0, 0, 0]);
    // Every 20th /me is answered wrongly on purpose (5%): exactly those fail the body check, merged over agents.
    assert.equal(stats.wrongBodies, 15);
    const me = result.endpoints.find((e: { name: string }) => e.name === 'me');
    assert.deepEqual(me.checks, [
      { name: 'status', passed: 300, failed: 0 },
      { name: 'body_contains', passed: 285, failed: 15 },
    ]);
    const login = result.endpoints.find((e: { name: string }) => e.name === 'login');
    assert.deepEqual(
      login.checks.map((c: { name: string; failed: number }) => [c.name, c.failed]),
      [
        ['status', 0],
        ['json $.user', 0],
        ['capture token', 0],
      ],
    );
    // The pause after /me, as the server saw it: never under the think time, and on average within it (plus the
    // few ms an exchange takes on loopback; generous, as a loaded machine delays timers).
    const gaps = Object.values(stats.arrivals).map((times) => {
      assert.equal(times.length, 3);
      return (times[2] as number) - (times[1] as number);
    });
    assert.ok(
      gaps.every((g) => g >= 59),
      `shortest pause ${Math.min(...gaps)} ms`,
    );
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    assert.ok(mean >= 65 && mean <= 150, `mean pause ${mean} ms for think 60ms..80ms`);
  });
});
