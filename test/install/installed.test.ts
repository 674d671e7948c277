import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Result } from '@volley/metrics';
import { startTarget, type Target } from '@volley/target';
import { npmInstall, packTarball, ROOT, scratch } from './package.js';
import { killAll, runBin, startBin, waitForLine } from './run-bin.js';

// The published package as a user gets it: packed, installed globally into an empty prefix outside the
// repository (dependencies from the registry or the npm cache), and run from an empty folder; and installed into
// a throwaway TypeScript project that uses the programmatic API. One tarball, packed once, serves both.
const work = scratch('install');
const prefix = join(work, 'prefix');
const project = join(work, 'project');
let tarball = '';
let target: Target;

before(async () => {
  tarball = await packTarball(work);
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "throwaway", "private": true, "type": "module" }\n');
  // The project's TypeScript and Node types: the versions this repository uses, from the registry or the cache.
  const dev = ['typescript', '@types/node'].map((name) => `${name}@${installedVersion(name)}`);
  await Promise.all([npmInstall(work, ['-g', '--prefix', prefix, tarball]), npmInstall(project, [tarball, ...dev])]);
  target = await startTarget({});
});
after(async () => {
  await target?.close();
  rmSync(work, { recursive: true, force: true });
});
afterEach(killAll);

function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string })
    .version;
}

describe('the packed volley package, installed with npm install -g', () => {
  const cwd = join(work, 'cwd');
  const bin = join(prefix, 'bin', 'volley');
  before(() => mkdirSync(cwd));

  const result = (file: string): Result => JSON.parse(readFileSync(join(cwd, file), 'utf8')) as Result;

  it('packs to volley-<version>.tgz with the bundle, its README and LICENSE, and installs no @volley package', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'packages/cli/package.json'), 'utf8'));
    assert.equal(tarball, join(work, `volley-${version}.tgz`));
    const installed = join(prefix, 'lib', 'node_modules', 'volley');
    for (const file of ['README.md', 'LICENSE', 'lib/index.js', 'lib/index.d.ts', 'lib/worker.js', 'bin/run.js']) {
      assert.ok(existsSync(join(installed, file)), `${file} is installed`);
    }
    assert.equal(existsSync(join(installed, 'node_modules', '@volley')), false, 'internal packages are bundled');
    assert.ok(existsSync(join(installed, 'node_modules', 'undici')), 'third-party packages are dependencies');
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    assert.doesNotMatch(readme, /\]\((?!https?:)[^)#]*\)/, 'the package README links nowhere into the monorepo');
    assert.ok(statSync(tarball).size < 1024 * 1024, 'the tarball stays small');
  });

  it('runs the demo: volley run --demo -d 2s', async () => {
    await runBin(bin, ['run', '--demo', '-d', '2s', '-q', '-o', 'demo.json'], cwd);
    const r = result('demo.json');
    assert.ok(r.requests.total > 0);
    assert.equal(r.requests.errors, 0);
    assert.equal(r.tool.name, 'volley');
  });

  it('runs on two engine threads loaded from the bundle: volley run URL --workers 2', async () => {
    const before = target.stats().requests;
    const { stderr } = await runBin(
      bin,
      ['run', target.url, '--workers', '2', '-n', '2000', '-c', '4', '-q', '-o', 'w.json'],
      cwd,
    );
    const r = result('w.json');
    assert.equal(r.requests.total, 2000);
    assert.equal(r.requests.ok, 2000);
    assert.equal(target.stats().requests - before, r.requests.total, 'the target counted every request');
    assert.doesNotMatch(stderr, /error|Error/);
  });

  it('runs a distributed test: volley controller and two volley agent processes', async () => {
    const before = target.stats().requests;
    const controller = startBin(
      bin,
      [
        'controller',
        target.url,
        '--listen',
        '127.0.0.1:0',
        '--agents',
        '2',
        '-c',
        '4',
        '-d',
        '1s',
        '-q',
        '-o',
        'd.json',
      ],
      cwd,
    );
    const [, url] = await waitForLine(controller, /listening on (ws:\/\/\S+?),/);
    const agents = ['a', 'b'].map((name) =>
      startBin(bin, ['agent', '--connect', url ?? '', '--name', name, '--once'], cwd),
    );
    const ended = await controller.ended;
    assert.equal(ended.code, 0, ended.stderr);
    for (const agent of agents) assert.equal((await agent.ended).code, 0);
    const r = result('d.json');
    assert.deepEqual(r.agents.map((a) => a.name).sort(), ['a', 'b']);
    assert.ok(r.agents.every((a) => !a.lost && a.requests > 0));
    assert.equal(target.stats().requests - before, r.requests.total, 'the target counted every request');
  });

  it('renders a saved result: volley report FILE --format html', async () => {
    await runBin(bin, ['report', 'd.json', '--format', 'html', '-o', 'd.html'], cwd);
    const html = readFileSync(join(cwd, 'd.html'), 'utf8');
    assert.match(html, /^<!doctype html>/i);
    assert.match(html, /uPlot/, 'the chart library is inlined from the installed dependency');
    const { total } = result('d.json').requests;
    assert.ok(html.includes(total.toLocaleString('en-US')) || html.includes(`${total}`), 'the page shows the run');
  });

  it('says one line and exits 2 on an unknown command', async () => {
    const ended = await startBin(bin, ['nope'], cwd).ended;
    assert.equal(ended.code, 2);
    assert.equal(ended.stderr.trim().split('\n').length, 1);
  });
});

// What a user of `import { run } from 'volley'` writes, compiled by tsc --strict against the package's own
// declarations (skipLibCheck off, so the .d.ts is checked too) and run by Node from the project.
const MAIN_TS = `import { type Result, isVolleyError, run, runAgent, runController } from 'volley';

const url = process.argv[2] ?? '';
let intervals = 0;
const local: Result = await run({
  url,
  connections: 4,
  duration: '1500ms',
  thresholds: ['p99<30s'],
  onInterval: (interval) => {
    intervals += interval.requests > 0 ? 1 : 0;
  },
});
let code = '';
try {
  await run({ url: 'ftp://127.0.0.1/' });
} catch (err) {
  if (isVolleyError(err)) code = err.code;
}
const controller = await runController({ url, agents: 2, connections: 4, requests: 1000 });
const agents = [runAgent({ connect: controller.url, name: 'a' }), runAgent({ connect: controller.url, name: 'b' })];
const distributed: Result = await controller.result;
await Promise.all(agents.map((agent) => agent.done));
process.stdout.write(JSON.stringify({
  local: local.requests.total,
  ok: local.requests.ok,
  passed: local.thresholds.map((t) => t.pass),
  intervals,
  code,
  distributed: distributed.requests.total,
  agents: distributed.agents.map((a) => a.requests),
}));
`;

/** A misuse the declarations must refuse: a count given as a string. */
const BAD_TS = `import { run } from 'volley';
await run({ url: 'http://127.0.0.1/', connections: 'ten' });
`;

const TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: 'nodenext',
    moduleResolution: 'nodenext',
    target: 'es2022',
    types: ['node'],
    skipLibCheck: false,
    outDir: 'out',
  },
};

describe("the programmatic API, from a TypeScript project: import { run } from 'volley'", () => {
  const tsc = (): string => join(project, 'node_modules', '.bin', 'tsc');

  it('compiles under tsc --strict and counts exactly what the target counted', async () => {
    writeFileSync(join(project, 'main.ts'), MAIN_TS);
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['main.ts'] }));
    await runBin(tsc(), ['-p', 'tsconfig.json'], project);
    const before = target.stats().requests;
    const { stdout } = await runBin(process.execPath, ['out/main.js', target.url], project, 30_000);
    const out = JSON.parse(stdout) as {
      local: number;
      ok: number;
      passed: boolean[];
      intervals: number;
      code: string;
      distributed: number;
      agents: number[];
    };
    assert.ok(out.local > 0);
    assert.equal(out.ok, out.local);
    assert.deepEqual(out.passed, [true]);
    assert.ok(out.intervals >= 1, 'onInterval saw the run go');
    assert.equal(out.code, 'INVALID_URL', 'a bad URL is a typed error with a stable code');
    assert.equal(out.distributed, 1000);
    assert.equal(out.agents.length, 2);
    assert.equal(
      out.agents.reduce((a, b) => a + b, 0),
      1000,
    );
    assert.equal(target.stats().requests - before, out.local + out.distributed, 'the target counted the same');
  });

  it('has declarations that refuse a wrong option type', async () => {
    writeFileSync(join(project, 'bad.ts'), BAD_TS);
    writeFileSync(join(project, 'tsconfig.bad.json'), JSON.stringify({ ...TSCONFIG, files: ['bad.ts'] }));
    const ended = await startBin(tsc(), ['-p', 'tsconfig.bad.json', '--noEmit'], project).ended;
    assert.notEqual(ended.code, 0);
    assert.match(ended.stdout, /bad\.ts.*TS2322.*'string' is not assignable to type 'number'/s);
  });
});
