#!/usr/bin/env node
// A peer for the open-model bench: the floor for any Node open-model client, as socket-loop.mjs is for the closed
// model. Request n is due at n / RATE seconds after the start; whatever is due goes out at once on a free socket
// (one prebuilt request Buffer, no HTTP parser), late if more than 10 ms after it was due, and when nothing is due
// one timer waits for the next. No histogram, no intervals, no objects per request: only the schedule's own cost.
// Prints { requests, seconds, cpuUs, sent, late, dropped } as JSON: `requests` the responses, `sent` and `late`
// counted per second of the run (by the time each request was due), `dropped` what was due before the end but never
// went out (every socket busy).
//
//   node bench/peers/socket-open-loop.mjs URL CONNECTIONS SECONDS RATE
import { connect } from 'node:net';

const LATE_AFTER_MS = 10;
const [url, connections, seconds, rate] = process.argv.slice(2);
const { hostname, port, pathname, search, host } = new URL(url);
const request = Buffer.from(`GET ${pathname}${search} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n\r\n`);
const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH = /content-length: *(\d+)/i;
const SECONDS = Number(seconds);
const intervalMs = 1000 / Number(rate);
const total = Math.floor(SECONDS * Number(rate));
const sent = new Array(Math.ceil(SECONDS)).fill(0);
const late = new Array(Math.ceil(SECONDS)).fill(0);
const free = [];
const sockets = [];
let begun = 0;
let responses = 0;
let t0 = 0;
let timer;
let running = false;

function pump() {
  timer = undefined;
  const now = performance.now() - t0;
  while (running && begun < total) {
    const due = begun * intervalMs;
    if (due > now) {
      timer = setTimeout(pump, due - now);
      return;
    }
    const socket = free.pop();
    if (socket === undefined) return; // the next response pumps again
    const second = Math.floor(due / 1000);
    sent[second]++;
    if (now - due > LATE_AFTER_MS) late[second]++;
    begun++;
    socket.write(request);
  }
}

function open() {
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) || 80, noDelay: true });
    sockets.push(socket);
    let pending = Buffer.alloc(0);
    socket.on('connect', () => resolve(socket));
    socket.on('data', (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const end = pending.indexOf(HEAD_END);
        if (end < 0) return;
        const length = Number(LENGTH.exec(pending.latin1Slice(0, end))?.[1] ?? 0);
        const whole = end + 4 + length;
        if (pending.length < whole) return;
        pending = pending.subarray(whole);
        responses++;
        free.push(socket);
        if (timer === undefined) pump();
      }
    });
    socket.on('error', () => {});
  });
}

free.push(...(await Promise.all(Array.from({ length: Number(connections) }, open))));
const cpu0 = process.cpuUsage();
t0 = performance.now();
running = true;
pump();
setTimeout(() => {
  // What was due by now and has a free socket still goes out (late), as Volley's open model does at its deadline.
  clearTimeout(timer);
  pump();
  running = false;
  clearTimeout(timer);
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / Math.max(1, responses);
  for (const s of sockets) s.destroy();
  const dropped = total - begun;
  process.stdout.write(`${JSON.stringify({ requests: responses, seconds: elapsed, cpuUs, sent, late, dropped })}\n`);
}, SECONDS * 1000);
