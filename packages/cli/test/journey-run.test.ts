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
    server = await startJourneyServer({ wrongEvery: 5 });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("logs each user in once, carries each login's token and cookie, counts the wrong bodies and pauses", async () => {
    const users = journeyUsers(40);
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
load: { connections: 4, duration: 30s }
`,
    );
    const out = await volley('run', '--scenario', file, '--agents', '2', '--format', 'json');
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    // 40 unique rows end the run at 40 iterations, long before the 30 s.
    assert.equal(result.iterations.count, 40);
    const stats = server.stats();
    assert.deepEqual(stats.logins, Object.fromEntries(users.map((u) => [u.name, 1])));
    assert.deepEqual(stats.requests, { 'POST /login': 40, 'GET /me': 40, 'POST /order': 40 });
    assert.deepEqual([stats.unauthorized, stats.mismatched, stats.failedLogins], [0, 0, 0]);
    assert.equal(stats.wrongBodies, 8);
    const me = result.endpoints.find((e: { name: string }) => e.name === 'me');
    assert.deepEqual(me.checks, [
      { name: 'status', passed: 40, failed: 0 },
      { name: 'body_contains', passed: 32, failed: 8 },
    ]);
    // A lower bound only: the order of a login arrives at least the think time after its /me.
    for (const [token, times] of Object.entries(stats.arrivals)) {
      assert.equal(times.length, 3, token);
      assert.ok((times[2] as number) - (times[1] as number) >= 55, `${token}: ${times.join(', ')}`);
    }
  });
});
