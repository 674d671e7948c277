import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { volley } from './bin.js';

// A capture's regex runs on the agents, against bodies the target chooses. `^(a+)+$` on "aaaa...!" backtracks
// 2^n times: without V8's linear-time fallback one such body holds an agent's event loop for longer than the
// universe has existed, its heartbeats and its stop with it. volley() kills the run after 60 s, so a hang fails.
describe('a capture regex that backtracks without end', () => {
  let dir: string;
  let server: Server;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'volley-regex-'));
    server = createServer((_req, res) => res.end(`${'a'.repeat(5000)}!`));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs in bounded time on agent processes and their threads: the capture fails, the run ends', async () => {
    const file = join(dir, 'evil.yaml');
    await writeFile(
      file,
      `url: ${url}\nflow:\n  - name: page\n    path: /\n    capture: { x: { regex: '^(a+)+$' } }\nload: { connections: 2 }\n`,
    );
    const out = await volley(
      'run',
      '--scenario',
      file,
      '-n',
      '6',
      '--agents',
      '2',
      '--workers',
      '2',
      '--format',
      'json',
    );
    assert.equal(out.code, 0, out.stderr);
    const result = JSON.parse(out.stdout);
    assert.equal(result.iterations.count, 6);
    assert.deepEqual(result.endpoints[0].checks, [{ name: 'capture x', passed: 0, failed: 6 }]);
  });

  it('refuses backreferences and lookarounds, which no linear-time engine runs: file:line:col, exit 2', async () => {
    for (const [regex, feature] of [
      ['(a+)\\1', 'a backreference'],
      ['(?<=id=)\\d+', 'a lookbehind'],
    ]) {
      const file = join(dir, 'refused.yaml');
      await writeFile(
        file,
        `url: ${url}\nflow:\n  - name: page\n    path: /\n    capture: { x: { regex: '${regex}' } }\n`,
      );
      const out = await volley('run', '--scenario', file, '-n', '1');
      assert.equal(out.code, 2, out.stderr);
      assert.equal(out.stdout, '');
      const lines = out.stderr.trim().split('\n');
      assert.equal(lines.length, 1, out.stderr);
      assert.match(lines[0] ?? '', new RegExp(`refused\\.yaml:5:\\d+: .*capture x: the regex has ${feature}`));
    }
  });
});
