// What the closed-loop peers share (socket-loop.mjs, parser-loop.mjs, undici-dispatch.mjs): sockets that each send
// their next request when the last one's response is whole, and how a peer ends and reports.
import { connect } from 'node:net';

/**
 * Ends a closed-loop peer `seconds` from now: `stop()` lets no request begin, `close()` (awaited) closes its
 * connections, then one JSON line goes to stdout: the requests `count()` says were answered, the seconds they took
 * and the CPU per request from now on (the loop alone, start-up excluded), with what `extra()` adds.
 */
export function reportAfter(seconds, { stop, count, close, extra = () => ({}) }) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  setTimeout(async () => {
    stop();
    const elapsed = (performance.now() - t0) / 1000;
    const requests = count();
    const cpu = process.cpuUsage(cpu0);
    const cpuUs = (cpu.user + cpu.system) / Math.max(1, requests);
    await close();
    process.stdout.write(`${JSON.stringify({ requests, seconds: elapsed, cpuUs, ...extra() })}\n`);
  }, seconds * 1000);
}

/**
 * `connections` net.Sockets to `url`, each writing one prebuilt GET, and again each time `watch(socket, answered)`
 * (how the peer sees a response end) calls `answered()`, for `seconds`; then reports as reportAfter does.
 */
export function socketLoops(url, connections, seconds, watch, extra) {
  const { hostname, port, pathname, search, host } = new URL(url);
  const request = Buffer.from(`GET ${pathname}${search} HTTP/1.1\r\nhost: ${host}\r\nconnection: keep-alive\r\n\r\n`);
  let count = 0;
  let running = true;
  const sockets = Array.from({ length: connections }, () => {
    const socket = connect({ host: hostname, port: Number(port) || 80, noDelay: true });
    socket.on('connect', () => socket.write(request));
    watch(socket, () => {
      count++;
      if (running) socket.write(request);
    });
    socket.on('error', () => {});
    return socket;
  });
  reportAfter(seconds, {
    stop: () => {
      running = false;
    },
    count: () => count,
    close: () => {
      for (const s of sockets) s.destroy();
    },
    extra,
  });
}
