// How the raw-socket peers (socket-loop.mjs, socket-open-loop.mjs) see a response end without an HTTP parser: its
// head, then Content-Length bytes of body (the built-in target and nginx always send one).

const HEAD_END = Buffer.from('\r\n\r\n');
const LENGTH = /content-length: *(\d+)/i;

/** Calls `onResponse` once for each whole response that arrives on `socket`. */
export function onResponses(socket, onResponse) {
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    for (;;) {
      const end = pending.indexOf(HEAD_END);
      if (end < 0) return;
      const length = Number(LENGTH.exec(pending.latin1Slice(0, end))?.[1] ?? 0);
      const whole = end + 4 + length;
      if (pending.length < whole) return;
      pending = pending.subarray(whole);
      onResponse();
    }
  });
}
