#!/usr/bin/env node
// A peer for the closed-model bench: the floor for any Node client. One net.Socket per connection writes one
// prebuilt request Buffer, reads until the response is whole (its head and Content-Length bytes of body), and
// writes it again; no HTTP parser, no objects per request, nothing measured but a count. Prints
// { requests, seconds, cpuUs } as JSON (cpuUs: CPU per request over the loop alone, start-up excluded). Expects
// responses with a Content-Length (the built-in target's, nginx's).
//
//   node bench/peers/socket-loop.mjs URL CONNECTIONS SECONDS
import { socketLoops } from './closed-loop.mjs';
import { onResponses } from './responses.mjs';

const [url, connections, seconds] = process.argv.slice(2);
socketLoops(url, Number(connections), Number(seconds), onResponses);
