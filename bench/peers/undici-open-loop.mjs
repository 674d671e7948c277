#!/usr/bin/env node
// A peer for the open-model bench: the least an open-model client built on undici can do, as undici-dispatch.mjs
// is for the closed model. The schedule is open-schedule.mjs's; each request goes out through Client.dispatch with
// the connection's reused handler, nothing measured but the schedule's counts. Between two requests a connection
// is idle, so undici takes its idle-socket path on each (unref, keep-alive timer, then ref and a check-phase
// validation before the write): what the open model pays there and the closed model does not. Prints what
// socket-open-loop.mjs prints.
//
//   node bench/peers/undici-open-loop.mjs URL CONNECTIONS SECONDS RATE
import { Client } from 'undici';
import { openSchedule } from './open-schedule.mjs';
import { DiscardingHandler } from './undici-handler.mjs';

const [url, connections, seconds, rate] = process.argv.slice(2);
const { origin, pathname, search } = new URL(url);
const options = { path: `${pathname}${search}`, method: 'GET', headers: [] };
let schedule;

/** A connection's reused handler: what ends hands the connection back to the schedule. */
const connection = (client) => {
  const unit = new DiscardingHandler(
    client,
    () => schedule.release(unit),
    () => setImmediate(() => schedule.failed(unit)),
  );
  return unit;
};

const clients = Array.from({ length: Number(connections) }, () => new Client(origin, { pipelining: 1 }));
// One request on each before the start opens the connections, as Volley's open model opens its own ahead.
await Promise.all(
  clients.map((c) => new Promise((resolve) => c.dispatch(options, new DiscardingHandler(c, resolve, resolve)))),
);
const units = clients.map(connection);
schedule = openSchedule({
  units,
  rate: Number(rate),
  seconds: Number(seconds),
  send: (unit) => unit.client.dispatch(options, unit),
});
setTimeout(async () => {
  const result = schedule.done();
  await Promise.all(clients.map((c) => c.destroy()));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}, Number(seconds) * 1000);
