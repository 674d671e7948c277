#!/usr/bin/env node
// Issue 7, goal 2: the per-request strategy (a fresh connection for every request) within 10% of a bare loop
// that opens an undici Client per request, against the same target with the same concurrency, alternated.
// The bare loop is the floor: connect, one request, read the body, close; nothing measured, nothing recorded.
//
//   node bench/per-request.mjs [--rounds 5] [--requests 20000] [--connections 20] [--json]
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { startTargetProcess } from '@volley/target';
import { median, VOLLEY } from './lib.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    requests: { type: 'string', default: '20000' },
    connections: { type: 'string', default: '20' },
    json: { type: 'boolean' },
  },
});
const ROUNDS = Number(values.rounds);
const REQUESTS = Number(values.requests);
const CONNECTIONS = Number(values.connections);
const require = createRequire(import.meta.url);
// The undici the engine uses (hoisted to the root node_modules).
const UNDICI = require.resolve('undici');

/** The bare loop, in a process of its own like the CLI: prints its wall time in ms. */
const BARE = `
const { Client } = require(${JSON.stringify(UNDICI)});
const url = new URL(process.argv[1]);
let left = ${REQUESTS};
async function loop() {
  while (left-- > 0) {
    const client = new Client(url.origin, { pipelining: 1 });
    const res = await client.request({ path: url.pathname, method: 'GET' });
    await res.body.dump();
    await client.close();
  }
}
const t0 = performance.now();
Promise.all(Array.from({ length: ${CONNECTIONS} }, loop)).then(() => console.log(performance.now() - t0));
`;

function run(args) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 64 << 20, timeout: 300_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(stderr || err.message)) : resolve(stdout),
    );
  });
}

const tools = {
  'bare undici Client per request': async (url) => REQUESTS / (Number(await run(['-e', BARE, url])) / 1000),
  'volley --client per-request': async (url) => {
    const r = JSON.parse(
      await run([
        VOLLEY,
        'run',
        url,
        '--client',
        'per-request',
        '-n',
        `${REQUESTS}`,
        '-c',
        `${CONNECTIONS}`,
        '-q',
        '--format',
        'json',
      ]),
    );
    if (r.requests.errors > 0)
      throw new Error(`volley: ${r.requests.errors} errors: ${JSON.stringify(r.requests.byError)}`);
    return r.requests.total / (r.durationMs / 1000);
  },
};

const target = await startTargetProcess({});
const rates = Object.fromEntries(Object.keys(tools).map((k) => [k, []]));
try {
  for (const [, f] of Object.entries(tools)) await f(target.url); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? Object.entries(tools) : Object.entries(tools).reverse();
    for (const [name, f] of order) rates[name].push(await f(target.url));
  }
} finally {
  await target.close();
}
const bare = median(rates['bare undici Client per request']);
const volley = median(rates['volley --client per-request']);
const out = {
  requests: REQUESTS,
  connections: CONNECTIONS,
  bareRps: Math.round(bare),
  volleyRps: Math.round(volley),
  ratio: Math.round((volley / bare) * 100) / 100,
};
if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
else {
  console.log(
    `per-request strategy, ${REQUESTS} requests, ${CONNECTIONS} at a time, median of ${ROUNDS} (goal: volley >= 0.9x the bare loop)`,
  );
  console.log(`  bare undici Client per request ${out.bareRps} req/s`);
  console.log(`  volley --client per-request    ${out.volleyRps} req/s   volley/bare = ${out.ratio.toFixed(2)}`);
}
