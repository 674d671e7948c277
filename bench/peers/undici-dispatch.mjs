#!/usr/bin/env node
// A peer for the closed-model bench: the least a client built on undici can do. One undici Client per connection,
// each with one request in flight, sent again from its reused handler's onComplete through Client.dispatch;
// nothing measured but a count. Prints { requests, seconds, cpuUs } as JSON
// (cpuUs: CPU per request over the loop alone, start-up excluded).
//
//   node bench/peers/undici-dispatch.mjs URL CONNECTIONS SECONDS
import { Client } from 'undici';
import { reportAfter } from './closed-loop.mjs';
import { DiscardingHandler } from './undici-handler.mjs';

const [url, connections, seconds] = process.argv.slice(2);
const { origin, pathname, search } = new URL(url);
const options = { path: `${pathname}${search}`, method: 'GET', headers: [] };
let count = 0;
let running = true;

class Loop extends DiscardingHandler {
  constructor(client) {
    super(
      client,
      () => {
        count++;
        this.send();
      },
      () => setImmediate(() => this.send()),
    );
  }
  send() {
    if (running) this.client.dispatch(options, this);
  }
}

const clients = Array.from({ length: Number(connections) }, () => new Client(origin, { pipelining: 1 }));
reportAfter(Number(seconds), {
  stop: () => {
    running = false;
  },
  count: () => count,
  close: () => Promise.all(clients.map((c) => c.destroy())),
});
for (const c of clients) new Loop(c).send();
