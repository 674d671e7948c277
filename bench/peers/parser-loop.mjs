#!/usr/bin/env node
// A peer for the closed-model bench: what a client of our own would make if it skipped undici's per-request path
// (its Request object, its header callbacks into JavaScript, its dispatch queue) but still parsed every response.
// One net.Socket per connection writes one prebuilt request Buffer; Node's own HTTP parser (llhttp in C++, the one
// node:http uses) reads the response, and its message-complete callback writes the request again. Nothing is
// measured but a count and the statuses. Prints what socket-loop.mjs prints.
//
//   node bench/peers/parser-loop.mjs URL CONNECTIONS SECONDS
import { createRequire } from 'node:module';
import { connect } from 'node:net';

// Node's parser binding, as node:http and autocannon's older releases reach it; not a stable API, so a peer only.
const { HTTPParser } = createRequire(import.meta.url)('_http_common');

const [url, connections, seconds] = process.argv.slice(2);
const { hostname, port, pathname, search, host } = new URL(url);
const request = Buffer.from(`GET ${pathname}${search} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n\r\n`);
let count = 0;
let notOk = 0;
let running = true;
const sockets = [];

function loop() {
  const socket = connect({ host: hostname, port: Number(port) || 80, noDelay: true });
  sockets.push(socket);
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.RESPONSE, {});
  // Callbacks sit on the parser at these slots: headers (with the status), body chunks, the message's end.
  parser[HTTPParser.kOnHeadersComplete] = (_major, _minor, _headers, _method, _url, status) => {
    if (status !== 200) notOk++;
    return 0;
  };
  parser[HTTPParser.kOnBody] = () => {};
  parser[HTTPParser.kOnMessageComplete] = () => {
    count++;
    if (running) socket.write(request);
  };
  socket.on('connect', () => socket.write(request));
  socket.on('data', (chunk) => {
    const err = parser.execute(chunk);
    if (err instanceof Error) socket.destroy(err);
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
  process.stdout.write(`${JSON.stringify({ requests, seconds: elapsed, cpuUs, notOk })}\n`);
}, Number(seconds) * 1000);
