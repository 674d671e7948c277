#!/usr/bin/env node
// Issue 7 goal 5, issue 19 goal 3: a real `volley controller` process aggregating many agents that each send one Interval per
// second. The agents are simulated in this process as real WebSocket clients speaking the real protocol (Hello,
// Ready, heartbeat echoes, Interval frames with real HdrHistogram encodings, Finished), so only the controller's own
// work is measured: its CPU (from /proc, as a share of one core over the run) and the merge latency (from the
// moment the last agent sent interval k to the moment the controller printed its merged progress line for k).
//
//   node bench/controller-scale.mjs [--agents 2000] [--seconds 10] [--json] [--cpu-prof DIR [--cpu-prof-interval US]] [--baseline DIR] [--metrics]
//
// --baseline DIR runs the controller of another built checkout instead (say, main before a change); the simulated
// agents then speak that checkout's protocol (its version and histogram encoding), so either side can be older.
// --metrics serves Prometheus metrics from the controller as a deployment would (every interval then reads each
// agent's health).
// --cpu-prof DIR writes the controller's V8 CPU profile into DIR (open it in Chrome DevTools or speedscope), sampled
// every --cpu-prof-interval µs (1000; 100 resolves one interval's burst, at twice the controller's CPU).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { freePort, VOLLEY } from './lib.mjs';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '10' },
    json: { type: 'boolean' },
    'cpu-prof': { type: 'string' },
    'cpu-prof-interval': { type: 'string', default: '1000' },
    baseline: { type: 'string' },
    metrics: { type: 'boolean' },
  },
});
// The simulated agents speak the protocol of the controller under test: a baseline's own encodings and version.
const from = (pkg) =>
  values.baseline
    ? import(pathToFileURL(join(values.baseline, 'packages', pkg, 'dist', 'index.js')).href)
    : import(`@volley/${pkg}`);
const { createIntervalHistogram, encodeHistogram, bucketsOf } = await from('metrics');
const { decode, encode, PROTOCOL_VERSION } = await from('protocol');
const AGENTS = Number(values.agents);
const SECONDS = Number(values.seconds);
const CLOCK_TICK = 100; // USER_HZ on Linux

/** Resident memory of a process (MiB), from /proc. */
function rssMiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.split(/\s+/)[1] ?? Number.NaN) / 1024;
}

/** CPU seconds a process has used so far (utime + stime). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICK;
}

/**
 * A few realistic interval histograms (thousands of values, a long tail), encoded once and reused: 4,990 responses
 * of 200 and 10 of 503, with their latencies by status class in the Prometheus buckets (protocol 6 on; a baseline
 * without them gets none), as an agent's interval with a few errors has them.
 */
const histograms = Array.from({ length: 8 }, () => {
  const all = createIntervalHistogram();
  const ok = createIntervalHistogram();
  const failed = createIntervalHistogram();
  for (let i = 0; i < 5000; i++) {
    const us = Math.round(200 + Math.random() ** 4 * 50_000);
    all.recordValue(us);
    (i % 500 === 0 ? failed : ok).recordValue(us);
  }
  const classBuckets = bucketsOf
    ? [
        { statusClass: 2, ...bucketsOf(ok) },
        { statusClass: 5, ...bucketsOf(failed) },
      ]
    : [];
  return { histogram: encodeHistogram(all), classBuckets };
});

const port = await freePort();
const controller = spawn(
  process.execPath,
  [
    ...(values['cpu-prof']
      ? ['--cpu-prof', '--cpu-prof-interval', values['cpu-prof-interval'], '--cpu-prof-dir', values['cpu-prof']]
      : []),
    values.baseline ? join(values.baseline, 'packages', 'cli', 'bin', 'run.js') : VOLLEY,
    'controller',
    'http://127.0.0.1:9/',
    '--agents',
    String(AGENTS),
    '-c',
    String(AGENTS),
    '-d',
    `${SECONDS}s`,
    '--listen',
    `127.0.0.1:${port}`,
    '--agent-timeout',
    '10s',
    '--format',
    'json',
    ...(values.metrics ? ['--metrics-port', `127.0.0.1:${await freePort()}`] : []),
  ],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
let stdout = '';
controller.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
const exited = new Promise((resolve) => controller.on('close', resolve));
const lastSent = new Map(); // seq -> time the last agent sent it
const firstSent = new Map(); // seq -> time the first agent began to send it (before its encode)
const mergeLatency = [];
/** From the first agent's send of a seq to its merged line: the burst and the merge, however fast the bench sends. */
const sinceFirstSend = [];
/** The controller's RSS (MiB) as each merged interval was printed: flat, or growing. */
const rssEach = [];
let mergedSeq = 0;
let listening;
const ready = new Promise((resolve) => (listening = resolve));
let errBuf = '';
let steady;
controller.stderr.setEncoding('utf8').on('data', (s) => {
  errBuf += s;
  let nl = errBuf.indexOf('\n');
  while (nl >= 0) {
    const line = errBuf.slice(0, nl);
    errBuf = errBuf.slice(nl + 1);
    if (line.includes('listening on')) listening();
    // A progress line: one merged interval over every agent.
    if (/ req\/s \(avg /.test(line)) {
      const sent = lastSent.get(mergedSeq);
      if (sent !== undefined) mergeLatency.push(performance.now() - sent);
      const began = firstSent.get(mergedSeq);
      if (began !== undefined) sinceFirstSend.push(performance.now() - began);
      try {
        rssEach.push(Math.round(rssMiB(controller.pid)));
      } catch {}
      mergedSeq++;
      // The last interval is merged: what the controller used until now is the cost of aggregating; what it
      // uses after is the one-off cost of the result (summaries of every agent, the JSON).
      if (mergedSeq === SECONDS) steady = { cpu: cpuSeconds(controller.pid), at: performance.now() };
    }
    nl = errBuf.indexOf('\n');
  }
});
await ready;

let startedAt = 0;
let cpuAtStart = 0;
const agents = [];
for (let a = 0; a < AGENTS; a++) {
  // As the agent's link (packages/agent/src/link.ts) sends: a zero masking key, which ws skips on both ends.
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { generateMask: (mask) => mask.fill(0) });
  const agent = { ws, runId: '', timer: undefined };
  agents.push(agent);
  ws.on('open', () =>
    ws.send(
      encode('hello', {
        agentId: `sim-${a}`,
        name: `sim-${a}`,
        version: PROTOCOL_VERSION,
        host: '127.0.0.1',
      }),
    ),
  );
  ws.on('message', (data) => {
    const msg = decode(new Uint8Array(data));
    if (msg.kind === 'heartbeat') ws.send(encode('heartbeat', { sentAtMs: msg.body.sentAtMs }));
    if (msg.kind === 'plan') {
      agent.runId = msg.body.runId;
      ws.send(encode('ready', { runId: agent.runId }));
    }
    if (msg.kind === 'start') setTimeout(() => begin(agent, a), msg.body.delayMs);
  });
  ws.on('error', () => {});
}

function begin(agent, index) {
  if (index === 0) {
    startedAt = performance.now();
    cpuAtStart = cpuSeconds(controller.pid);
  }
  let seq = 0;
  const t0 = performance.now();
  const send = () => {
    if (!firstSent.has(seq)) firstSent.set(seq, performance.now());
    const frame = encode('interval', {
      runId: agent.runId,
      seq,
      startMs: seq * 1000,
      endMs: (seq + 1) * 1000,
      ...histograms[(index + seq) % histograms.length],
      statuses: [
        { status: 200, count: 4990 },
        { status: 503, count: 10 },
      ],
      errors: [],
      bytesSent: 400_000,
      bytesReceived: 900_000,
    });
    agent.ws.send(frame);
    lastSent.set(seq, performance.now());
    seq++;
    if (seq < SECONDS) agent.timer = setTimeout(send, t0 + (seq + 1) * 1000 - performance.now());
    else
      agent.ws.send(
        encode('finished', { runId: agent.runId, intervals: seq, requests: seq * 5000, durationMs: seq * 1000 }),
      );
  };
  agent.timer = setTimeout(send, 1000);
}

// Sample the controller's CPU and memory while it runs (its /proc entry is gone once it exits): memory once the
// first interval is merged and once the last one is, so the run's growth is what merging costs over time.
let last = { cpu: 0, at: 0 };
const rss = { first: Number.NaN, last: Number.NaN };
const sampler = setInterval(() => {
  if (startedAt === 0) return;
  try {
    last = { cpu: cpuSeconds(controller.pid), at: performance.now() };
    if (mergedSeq >= 1 && Number.isNaN(rss.first)) rss.first = rssMiB(controller.pid);
    if (mergedSeq >= 1 && mergedSeq < SECONDS) rss.last = rssMiB(controller.pid);
  } catch {}
}, 250);
const code = await exited;
clearInterval(sampler);
if (steady && last.at < steady.at) last = steady;
const controllerCore = (last.cpu - cpuAtStart) / ((last.at - startedAt) / 1000);
const steadyCore = steady ? (steady.cpu - cpuAtStart) / ((steady.at - startedAt) / 1000) : Number.NaN;
const resultCpuMs = steady ? Math.round((last.cpu - steady.cpu) * 1000) : Number.NaN;
const wallS = (performance.now() - startedAt) / 1000;
// The controller has exited; its CPU after the run started is what it used aggregating (its exit is included).
const result = JSON.parse(stdout);
for (const a of agents) a.ws.terminate();
const sorted = [...mergeLatency].sort((x, y) => x - y);
// The simulated agents share this one process: the time from the first agent's send of a seq to the last one's is
// what the bench itself needs to put the burst on the wire (merge latency counts from the last send).
const spread = [...lastSent.keys()].map((seq) => lastSent.get(seq) - firstSent.get(seq)).sort((x, y) => x - y);
const out = {
  agents: AGENTS,
  seconds: SECONDS,
  exit: code,
  requestsMerged: result.requests.total,
  mergeLatencyMs: {
    median: Math.round(sorted[Math.floor(sorted.length / 2)] ?? NaN),
    p99: Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? NaN),
    max: Math.round(sorted.at(-1) ?? NaN),
    /** In seq order: which interval was slow (the first, cold; or one at random, a GC or a neighbour). */
    each: mergeLatency.map((x) => Math.round(x)),
  },
  /** From the first agent's send of a seq to its merged line (median and max over seqs). */
  sinceFirstSendMs: {
    median: Math.round([...sinceFirstSend].sort((x, y) => x - y)[Math.floor(sinceFirstSend.length / 2)] ?? NaN),
    max: Math.round(Math.max(...sinceFirstSend)),
  },
  /** Bench side: from the first agent's send of a seq to the last agent's (median and max over seqs). */
  senderSpreadMs: {
    median: Math.round(spread[Math.floor(spread.length / 2)] ?? NaN),
    max: Math.round(spread.at(-1) ?? NaN),
  },
  coreShare: steadyCore,
  rssMiB: { afterFirstInterval: Math.round(rss.first), beforeLast: Math.round(rss.last), each: rssEach },
  coreShareWithResult: controllerCore,
  resultCpuMs,
  wallS: Math.round(wallS * 10) / 10,
};
if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  console.log(
    `controller with ${AGENTS} agents, one Interval per second each, ${SECONDS}s (goals: < 25% of a core, every interval merged within 50 ms)`,
  );
  console.log(
    `  CPU while intervals flow: ${(out.coreShare * 100).toFixed(1)}% of one core; merge latency median ${out.mergeLatencyMs.median} ms, p99 ${out.mergeLatencyMs.p99} ms, max ${out.mergeLatencyMs.max} ms (each, in order: ${out.mergeLatencyMs.each.join(' ')})`,
  );
  console.log(
    `  the bench's own agents put each burst on the wire in ${out.senderSpreadMs.median} ms (median; max ${out.senderSpreadMs.max} ms), from the first send to the last; merged ${out.sinceFirstSendMs.median} ms after the first send (median; max ${out.sinceFirstSendMs.max} ms)`,
  );
  console.log(
    `  controller RSS ${out.rssMiB.afterFirstInterval} MiB after the first interval, ${out.rssMiB.beforeLast} MiB before the last (at each interval: ${rssEach.join(' ')})`,
  );
  console.log(
    `  the result at the end: ${out.resultCpuMs} ms of CPU (${(out.coreShareWithResult * 100).toFixed(1)}% of a core over the whole run)`,
  );
  console.log(
    `  merged ${out.requestsMerged.toLocaleString('en-US')} requests (expected ${(AGENTS * SECONDS * 5000).toLocaleString('en-US')})`,
  );
}
