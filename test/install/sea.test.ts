import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Result } from '@volley/metrics';
import { startTarget, type Target } from '@volley/target';
import { start, stopAll } from '../e2e/volley.js';
import { ROOT, scratch } from './package.js';
import { killAll, runBin, startBin, waitForLine } from './run-bin.js';

// The single executable an agent host gets: built by `npm run build:sea`'s last step, copied alone into an
// empty folder, run with a user's environment (no Node, npm or node_modules needed beside it).
describe('the single executable (npm run build:sea), alone in an empty folder', () => {
  const work = scratch('sea');
  const host = join(work, 'host');
  const exe = join(host, 'volley');
  let target: Target;

  before(async () => {
    const built = join(work, 'volley-linux-x64');
    await promisify(execFile)(process.execPath, [join(ROOT, 'packages/volley/sea.mjs'), built], { cwd: ROOT });
    mkdirSync(host);
    copyFileSync(built, exe);
    target = await startTarget({});
  });
  after(async () => {
    await target?.close();
    rmSync(work, { recursive: true, force: true });
  });
  afterEach(async () => {
    await killAll();
    await stopAll();
  });

  const result = (file: string): Result => JSON.parse(readFileSync(join(host, file), 'utf8')) as Result;

  it('joins a controller as an agent, on two engine threads too, and the counts match the target', async () => {
    assert.deepEqual(readdirSync(host), ['volley']);
    const before = target.stats().requests;
    const out = join(host, 'agents.json');
    const controller = start(
      ['controller', target.url, '--listen', '127.0.0.1:0', '--agents', '2', '-n', '3000', '-c', '4', '-q', '-o', out],
      { timeoutMs: 30_000 },
    );
    const url = await new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const m = /listening on (ws:\/\/\S+?),/.exec(controller.stderr);
        if (m?.[1]) resolve(m[1]);
      };
      controller.child.stderr?.on('data', check);
      controller.exited.then((e) => reject(new Error(`controller exited ${e.code}: ${e.stderr}`)));
    });
    const agents = [
      startBin(exe, ['agent', '--connect', url, '--name', 'one', '--once'], host),
      startBin(exe, ['agent', '--connect', url, '--name', 'threads', '--once', '--workers', '2'], host),
    ];
    const ended = await controller.exited;
    assert.equal(ended.code, 0, ended.stderr);
    for (const agent of agents) assert.equal((await agent.ended).code, 0, agent.stderr);
    const r = result('agents.json');
    assert.equal(r.requests.total, 3000);
    assert.equal(r.requests.ok, 3000);
    assert.deepEqual(r.agents.map((a) => a.name).sort(), ['one', 'threads']);
    assert.equal(target.stats().requests - before, 3000, 'the target counted every request');
  });

  it('runs a controller that an agent joins, and a local run, counting what the target counts', async () => {
    const before = target.stats().requests;
    const controller = startBin(
      exe,
      ['controller', target.url, '--listen', '127.0.0.1:0', '-n', '1000', '-c', '2', '-q', '-o', 'c.json'],
      host,
    );
    const [, url] = await waitForLine(controller, /listening on (ws:\/\/\S+?),/);
    const agent = start(['agent', '--connect', url ?? '', '--once'], { timeoutMs: 30_000 });
    assert.equal((await controller.ended).code, 0, controller.stderr);
    assert.equal((await agent.exited).code, 0);
    await runBin(exe, ['run', target.url, '-n', '1000', '-c', '2', '-q', '-o', 'r.json'], host);
    assert.equal(result('c.json').requests.total, 1000);
    assert.equal(result('r.json').requests.total, 1000);
    assert.equal(target.stats().requests - before, 2000, 'the target counted every request');
  });

  it('answers --version and renders an HTML report without a file beside it', async () => {
    const { stdout } = await runBin(exe, ['--version'], host);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'));
    assert.match(stdout, new RegExp(`^volley/${version.replace(/\./g, '\\.')} linux-x64 node-v`));
    await runBin(exe, ['report', 'r.json', '--format', 'html', '-o', 'r.html'], host);
    assert.match(readFileSync(join(host, 'r.html'), 'utf8'), /uPlot/);
  });
});
