#!/usr/bin/env node
// Start-up time of the CLI (issue 19, goal 4: `volley --version` under 200 ms, `volley run URL -n 1` under 1.0 s
// of wall time), beside plain `node -e 0` and autocannon's own --version and one-request run (`-a 1`) from the
// same run, alternated, medians of N. The one-request runs go to the built-in target, in its own process.
//
//   node bench/startup.mjs [--runs 15] [--json]
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '@volley/target';
import { median, VOLLEY } from './lib.mjs';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' }, json: { type: 'boolean' } } });
const RUNS = Number(values.runs);
const require = createRequire(import.meta.url);
const AUTOCANNON = join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');

const target = await startTargetProcess({});
const cases = [
  { name: 'node -e 0 (floor)', args: ['-e', '0'] },
  { name: 'volley --version', args: [VOLLEY, '--version'], goalMs: 200 },
  { name: 'volley run --help', args: [VOLLEY, 'run', '--help'] },
  { name: 'autocannon --version', args: [AUTOCANNON, '--version'] },
  { name: 'volley run URL -n 1', args: [VOLLEY, 'run', target.url, '-n', '1', '-q'], goalMs: 1000 },
  { name: 'autocannon -a 1 URL', args: [AUTOCANNON, '-a', '1', target.url] },
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
await target.close();
const rows = cases.map((c, i) => ({ name: c.name, medianMs: Math.round(median(times[i])), goalMs: c.goalMs }));
if (values.json) {
  process.stdout.write(`${JSON.stringify(rows)}\n`);
} else {
  console.log(`start-up, wall time, median of ${RUNS}`);
  for (const r of rows) {
    const goal = r.goalMs ? `   (goal: under ${r.goalMs} ms${r.medianMs < r.goalMs ? ', met' : ', NOT met'})` : '';
    console.log(`  ${r.name.padEnd(24)} ${String(r.medianMs).padStart(5)} ms${goal}`);
  }
}
