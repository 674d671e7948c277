#!/usr/bin/env node
// The installed forms of volley (issue 16) beside autocannon: the packed tarball's size, its size installed
// (with its dependencies, in an empty prefix), the single executable's size, and `--version` start-up of each form
// (the workspace CLI, the installed package, the single executable; and `run --help`, which loads the CLI
// framework and the bundle) beside `npx autocannon --version` and autocannon's own bin, alternated round by
// round, medians of N; ratios are what count.
//
//   node bench/install.mjs [--runs 15] [--json]        (after `npm run build`; builds the package and the SEA)
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, VOLLEY } from './lib.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, json: { type: 'boolean' } } });
const RUNS = Number(values.runs);
const root = join(dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const AUTOCANNON = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
const work = mkdtempSync(join(tmpdir(), 'volley-bench-install-'));

/** Bytes under `path`, as `du --apparent-size` counts them. */
function size(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, name) => n + size(join(path, name)), 0);
}

const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
const sh = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
try {
  sh(process.execPath, [join(root, 'packages/volley/build.mjs')]);
  const tgz = sh('npm', ['pack', join(root, 'packages/volley/dist'), '--pack-destination', work], work)
    .toString()
    .trim()
    .split('\n')
    .pop();
  const prefix = join(work, 'prefix');
  sh(
    'npm',
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(work, tgz)],
    work,
  );
  const exe = join(work, 'volley-linux-x64');
  sh(process.execPath, [join(root, 'packages/volley/sea.mjs'), exe]);
  const cwd = join(work, 'cwd');
  mkdirSync(cwd);

  const sizes = {
    tarballBytes: size(join(work, tgz)),
    installedBytes: size(join(prefix, 'lib', 'node_modules', 'volley')),
    executableBytes: size(exe),
  };
  const cases = [
    { name: 'volley (workspace) --version', cmd: process.execPath, args: [VOLLEY, '--version'] },
    { name: 'volley (installed) --version', cmd: join(prefix, 'bin', 'volley'), args: ['--version'] },
    { name: 'volley (executable) --version', cmd: exe, args: ['--version'] },
    { name: 'volley (installed) run --help', cmd: join(prefix, 'bin', 'volley'), args: ['run', '--help'] },
    { name: 'volley (executable) run --help', cmd: exe, args: ['run', '--help'] },
    { name: 'npx autocannon --version', cmd: 'npx', args: ['autocannon', '--version'], cwd: root },
    { name: 'autocannon (bin) --version', cmd: process.execPath, args: [AUTOCANNON, '--version'] },
  ];
  const times = cases.map(() => []);
  for (let r = 0; r < RUNS; r++) {
    const order = r % 2 === 0 ? cases.map((_, i) => i) : cases.map((_, i) => cases.length - 1 - i);
    for (const i of order) {
      const c = cases[i];
      const t0 = performance.now();
      const out = spawnSync(c.cmd, c.args, { cwd: c.cwd ?? cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      times[i].push(performance.now() - t0);
      if (out.status !== 0) throw new Error(`${c.name} failed: ${out.stderr}`);
    }
  }
  const base = median(times[cases.findIndex((c) => c.name.startsWith('npx autocannon'))]);
  const rows = cases.map((c, i) => ({
    name: c.name,
    medianMs: Math.round(median(times[i])),
    vsNpxAutocannon: Number((median(times[i]) / base).toFixed(2)),
  }));
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ...sizes, startup: rows })}\n`);
  } else {
    const mib = (n) => `${(n / 2 ** 20).toFixed(2)} MiB`;
    console.log(`tarball ${mib(sizes.tarballBytes)}, installed ${mib(sizes.installedBytes)} (with dependencies),`);
    console.log(`single executable ${mib(sizes.executableBytes)}`);
    console.log(`start-up, median of ${RUNS}, alternated (ratio to npx autocannon --version)`);
    for (const r of rows) {
      console.log(`  ${r.name.padEnd(32)} ${String(r.medianMs).padStart(5)} ms  ${r.vsNpxAutocannon.toFixed(2)}x`);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
