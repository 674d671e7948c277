#!/usr/bin/env node
// A peer for the closed-model bench: the floor for any Node client. One net.Socket per connection writes one
// prebuilt request Buffer, reads until the response is whole (its head and Content-Length bytes of body), and
// writes it again; no HTTP parser, no objects per request, nothing measured but a count. Prints
// { requests, seconds, cpuUs } as JSON (cpuUs: CPU per request over the loop alone, start-up excluded). Expects responses with a Content-Length (the built-in target's, nginx's).
//
//   node bench/peers/socket-loop.mjs URL CONNECTIONS SECONDS
import { connect } from 'node:net';
import { onResponses } from './responses.mjs';

const [url, connections, seconds] = process.argv.slice(2);
const { hostname, port, pathname, search, host } = new URL(url);
const request = Buffer.from(`GET ${pathname}${search} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n\r\n`);
let count = 0;
let running = true;
const sockets = [];

function loop() {
  const socket = connect({ host: hostname, port: Number(port) || 80, noDelay: true });
  sockets.push(socket);
  socket.on('connect', () => socket.write(request));
  onResponses(socket, () => {
    count++;
    if (running) socket.write(request);
  });
  socket.on('error', () => {});
}

for (let i = 0; i < Number(connections); i++) loop();
const t0 = performance.now();
const cpu0 = process.cpuUsage();
setTimeout(() => {
  running = false;
  const elapsed = (performance.now() - t0) / 1000;
  const requests = count;
  const cpu = process.cpuUsage(cpu0);
  const cpuUs = (cpu.user + cpu.system) / Math.max(1, requests);
  for (const s of sockets) s.destroy();
  process.stdout.write(`${JSON.stringify({ requests, seconds: elapsed, cpuUs })}\n`);
}, Number(seconds) * 1000);
