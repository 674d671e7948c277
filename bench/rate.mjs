#!/usr/bin/env node
// Issue 4/7: the highest constant rate one agent holds on this machine, with one and with two engine threads.
// Steps up -R against the built-in target (its own process) with the real CLI; a rate is held when the achieved
// rate is within 1% of the asked one and, after the first second, at most 1% of requests went out more than
// 10 ms late. The first second is left out of the lateness because a fresh process is cold there (JIT,
// undici's HTTP parser compiling, connections opening): it is reported on its own.
//
//   node bench/rate.mjs [--seconds 3] [--rates 2000,4000,...] [--workers 1,2] [--json]
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '@volley/target';
import { VOLLEY } from './lib.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    rates: { type: 'string', default: '2000,4000,6000,8000,10000,12000,14000,16000,20000,24000,28000' },
    workers: { type: 'string', default: '1,2' },
    connections: { type: 'string', default: '100' },
    json: { type: 'boolean' },
  },
});
const SECONDS = Number(values.seconds);
const RATES = values.rates.split(',').map(Number);
const WORKERS = values.workers.split(',').map(Number);

function volley(args) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [VOLLEY, ...args],
      { maxBuffer: 64 << 20, timeout: (SECONDS + 60) * 1000 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(JSON.parse(stdout))),
    );
  });
}

const target = await startTargetProcess({});
const rows = [];
try {
  for (const workers of WORKERS) {
    let held = 0;
    const steps = [];
    for (const rate of RATES) {
      const r = await volley([
        'run',
        target.url,
        '-R',
        `${rate}`,
        '-d',
        `${SECONDS}s`,
        '-c',
        values.connections,
        '--workers',
        `${workers}`,
        '-q',
        '--format',
        'json',
      ]);
      const [first, ...rest] = r.intervals;
      const lateAfter = rest.reduce((n, i) => n + (i.late ?? 0), 0);
      const requestsAfter = rest.reduce((n, i) => n + i.requests, 0);
      const ok = r.throughput.achieved >= 0.99 * rate && lateAfter <= 0.01 * requestsAfter && r.requests.errors === 0;
      const lateFirst = first?.late ?? 0;
      steps.push(
        `${rate}:${ok ? 'held' : `no (${Math.round(r.throughput.achieved)} req/s, ${lateAfter} late after 1 s)`}` +
          `${lateFirst ? ` [${lateFirst} late in the first second]` : ''}`,
      );
      if (!ok) break;
      held = rate;
    }
    rows.push({ workers, highestHeld: held, steps });
  }
} finally {
  await target.close();
}
if (values.json) process.stdout.write(`${JSON.stringify(rows)}\n`);
else {
  console.log(
    `highest constant rate held by one agent (achieved >= 99% of asked, <= 1% late after the first second), ${SECONDS}s per step`,
  );
  for (const r of rows)
    console.log(`  --workers ${r.workers}: ${r.highestHeld.toLocaleString('en-US')} req/s   (${r.steps.join(', ')})`);
}
