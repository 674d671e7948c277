#!/usr/bin/env node
// Issue 7, goal 4: memory of a long run at full speed. A real `volley controller` and a real `volley agent`
// (separate processes, so the agent's memory is its own) run the closed model against the built-in target (its
// own process) for N minutes. The agent's RSS is read from /proc every few seconds; the goal is that it stays
// flat: within 10% between minute 1 and the last minute. The result file is checked to grow only with the
// number of intervals: everything but the interval list is reported apart, with the bytes per interval.
//
//   node bench/memory.mjs [--minutes 10] [--connections 50] [--json] [--quick]
//
// --quick: 8 seconds, "minute 1" read at 3 s; only checks that it runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '@volley/target';
import { freePort, VOLLEY } from './lib.mjs';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    json: { type: 'boolean' },
    quick: { type: 'boolean' },
  },
});
const SECONDS = values.quick ? 8 : Number(values.minutes) * 60;
/** When "minute 1" is read: after start-up and the first allocations have settled. */
const FIRST_AT_S = values.quick ? 3 : 60;
const SAMPLE_MS = values.quick ? 1000 : 5000;

/** Resident set size of a process, in MiB (VmRSS in /proc/PID/status). */
function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1]) / 1024;
}

const dir = mkdtempSync(join(tmpdir(), 'volley-memory-'));
const resultFile = join(dir, 'result.json');
const target = await startTargetProcess({});
const port = await freePort();
const children = [];
try {
  const controller = spawn(
    process.execPath,
    [
      VOLLEY,
      'controller',
      target.url,
      '--agents',
      '1',
      '-c',
      values.connections,
      '-d',
      `${SECONDS}s`,
      '--listen',
      `127.0.0.1:${port}`,
      '--format',
      'json',
      '-o',
      resultFile,
      '-q',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(controller);
  let errors = '';
  controller.stderr.setEncoding('utf8').on('data', (s) => (errors += s));
  const exited = new Promise((resolve) => controller.on('close', resolve));
  // The controller listens within a second; the agent retries until it can join.
  const agent = spawn(process.execPath, [VOLLEY, 'agent', '--connect', `ws://127.0.0.1:${port}`, '--once'], {
    stdio: 'ignore',
  });
  children.push(agent);

  const samples = []; // [seconds since the agent started, RSS MiB]
  const t0 = performance.now();
  const sampler = setInterval(() => {
    try {
      samples.push([(performance.now() - t0) / 1000, rssMiB(agent.pid)]);
    } catch {}
  }, SAMPLE_MS);
  const code = await exited;
  clearInterval(sampler);
  if (code !== 0) throw new Error(`controller exited ${code}: ${errors.trim().split('\n').at(-1)}`);

  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  const fileBytes = statSync(resultFile).size;
  const intervalsBytes = Buffer.byteLength(JSON.stringify(result.intervals));
  const near = (s) => samples.reduce((best, x) => (Math.abs(x[0] - s) < Math.abs(best[0] - s) ? x : best));
  const first = near(FIRST_AT_S);
  const last = samples.at(-2) ?? samples.at(-1); // the very last sample may catch the run winding down
  const peak = Math.max(...samples.map((x) => x[1]));
  const out = {
    seconds: SECONDS,
    requests: result.requests.total,
    errors: result.requests.errors,
    agentRssMiB: {
      first: Math.round(first[1]),
      firstAtS: Math.round(first[0]),
      last: Math.round(last[1]),
      peak: Math.round(peak),
    },
    growth: last[1] / first[1] - 1,
    resultFile: {
      bytes: fileBytes,
      intervals: result.intervals.length,
      bytesPerInterval: Math.round(intervalsBytes / Math.max(1, result.intervals.length)),
      bytesBesideIntervals: fileBytes - intervalsBytes,
    },
  };
  if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
  else {
    console.log(
      `memory over a ${SECONDS >= 60 ? `${SECONDS / 60}-minute` : `${SECONDS}-second`} closed run, ${values.connections} connections (goal: agent RSS within 10% from minute 1 to the end)`,
    );
    console.log(
      `  agent RSS ${out.agentRssMiB.first} MiB at ${out.agentRssMiB.firstAtS} s, ${out.agentRssMiB.last} MiB at the end (${(out.growth * 100).toFixed(1)}%), peak ${out.agentRssMiB.peak} MiB; ${out.requests.toLocaleString('en-US')} requests, ${out.errors} errors`,
    );
    console.log(
      `  result file ${Math.round(fileBytes / 1024)} KiB: ${out.resultFile.intervals} intervals of ~${out.resultFile.bytesPerInterval} bytes, and ${Math.round(out.resultFile.bytesBesideIntervals / 1024)} KiB beside them`,
    );
  }
} finally {
  for (const c of children) c.kill();
  await target.close();
  rmSync(dir, { recursive: true, force: true });
}
