#!/usr/bin/env node
// A peer for the closed-model bench: what a client of our own would make if it skipped undici's per-request path
// (its Request object, its header callbacks into JavaScript, its dispatch queue) but still parsed every response.
// One net.Socket per connection writes one prebuilt request Buffer; Node's own HTTP parser (llhttp in C++, the one
// node:http uses) reads the response, and its message-complete callback writes the request again. Nothing is
// measured but a count and the statuses. Prints what socket-loop.mjs prints, and `notOk`: responses not 200.
//
//   node bench/peers/parser-loop.mjs URL CONNECTIONS SECONDS
import { createRequire } from 'node:module';
import { socketLoops } from './closed-loop.mjs';

// Node's parser binding, as node:http and autocannon's older releases reach it; not a stable API, so a peer only.
const { HTTPParser } = createRequire(import.meta.url)('_http_common');

const [url, connections, seconds] = process.argv.slice(2);
let notOk = 0;

/** Parses what arrives on `socket`, calling `answered` at each response's end. */
function parse(socket, answered) {
  const parser = new HTTPParser();
  parser.initialize(HTTPParser.RESPONSE, {});
  // Callbacks sit on the parser at these slots: headers (with the status), body chunks, the message's end.
  parser[HTTPParser.kOnHeadersComplete] = (_major, _minor, _headers, _method, _url, status) => {
    if (status !== 200) notOk++;
    return 0;
  };
  parser[HTTPParser.kOnBody] = () => {};
  parser[HTTPParser.kOnMessageComplete] = answered;
  socket.on('data', (chunk) => {
    const err = parser.execute(chunk);
    if (err instanceof Error) socket.destroy(err);
  });
}

socketLoops(url, Number(connections), Number(seconds), parse, () => ({ notOk }));
