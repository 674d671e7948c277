#!/usr/bin/env node
// A peer for the open-model bench: the floor for any Node open-model client, as socket-loop.mjs is for the closed
// model. The schedule is open-schedule.mjs's; each request is one prebuilt Buffer written on a free socket, its
// response read without an HTTP parser (its head and Content-Length bytes of body). Prints { requests, errors,
// seconds, cpuUs, sent, late, dropped } as JSON: `requests` the responses, `sent` and `late` counted per second of
// the run (by the time each request was due), `dropped` what was due by the end but never went out (every socket
// busy). Volley bins a late send by the interval it went out in: over whole seconds after the first, the two agree
// but for sends held across a second's boundary.
//
//   node bench/peers/socket-open-loop.mjs URL CONNECTIONS SECONDS RATE
import { connect } from 'node:net';
import { openSchedule } from './open-schedule.mjs';
import { onResponses } from './responses.mjs';

const [url, connections, seconds, rate] = process.argv.slice(2);
const { hostname, port, pathname, search, host } = new URL(url);
const request = Buffer.from(`GET ${pathname}${search} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n\r\n`);
const sockets = [];
let schedule;
let errors = 0;

function open() {
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) || 80, noDelay: true });
    sockets.push(socket);
    socket.on('connect', () => resolve(socket));
    onResponses(socket, () => schedule.release(socket));
    // A socket that fails is out for the rest of the run, its request counted as an error.
    socket.on('error', () => errors++);
  });
}

const units = await Promise.all(Array.from({ length: Number(connections) }, open));
schedule = openSchedule({ units, rate: Number(rate), seconds: Number(seconds), send: (s) => s.write(request) });
setTimeout(() => {
  const result = schedule.done();
  result.errors += errors;
  for (const s of sockets) s.destroy();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}, Number(seconds) * 1000);
