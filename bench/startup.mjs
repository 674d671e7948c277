#!/usr/bin/env node
// Start-up time of the CLI (issue 7, goal 6: `volley --version` and `volley run --help` under 300 ms), beside
// plain `node -e 0` and autocannon's own --version from the same run, alternated, medians of N.
//
//   node bench/startup.mjs [--runs 15] [--json]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { median, VOLLEY } from './lib.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, json: { type: 'boolean' } } });
const RUNS = Number(values.runs);
const require = createRequire(import.meta.url);
const AUTOCANNON = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

const cases = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'] },
  { name: 'volley --version', args: [VOLLEY, '--version'] },
  { name: 'volley run --help', args: [VOLLEY, 'run', '--help'] },
  { name: 'autocannon --version', args: [AUTOCANNON, '--version'] },
];

const times = cases.map(() => []);
for (let r = 0; r < RUNS; r++) {
  for (const [i, c] of cases.entries()) {
    const t0 = performance.now();
    const out = spawnSync(process.execPath, c.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    times[i].push(performance.now() - t0);
    if (out.status !== 0) throw new Error(`${c.name} failed: ${out.stderr}`);
  }
}
const rows = cases.map((c, i) => ({ name: c.name, medianMs: Math.round(median(times[i])) }));
if (values.json) {
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} else {
  console.log(`start-up, median of ${RUNS} (goal: volley under 300 ms)`);
  for (const r of rows) console.log(`  ${r.name.padEnd(24)} ${String(r.medianMs).padStart(5)} ms`);
}
