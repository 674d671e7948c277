import { createServer, type Server } from 'node:net';
import { Client, type Dispatcher } from 'undici';

/** Requests of the warm-up: enough for V8 to have compiled every function on the path at least once. */
const WARM_UP_REQUESTS = 20;

let warming: Promise<void> | undefined;

/**
 * Pays a process's one-off costs of HTTP before a run instead of in its first requests: undici compiles its
 * WebAssembly HTTP parser (llhttp) on its first connection (about 30 ms here), and V8 compiles each function the
 * first time it runs. A few requests to a throwaway server on loopback inside this process do both; nothing is
 * sent to the target. Once per process (per thread: each has its own parser); never fails, at worst it warms less.
 */
export function warmUp(): Promise<void> {
  warming ??= run().catch(() => {});
  return warming;
}

async function run(): Promise<void> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    // One response per request read: the warm-up sends one small GET at a time.
    socket.on('data', () => socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as { port: number };
  const client = new Client(`http://127.0.0.1:${port}`);
  try {
    for (let i = 0; i < WARM_UP_REQUESTS; i++) await exchange(client);
  } finally {
    await client.destroy();
    await close(server);
  }
}

/** One GET through `dispatch` with a bare handler: the same path the engine's exchanges take. */
function exchange(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    const handler: Dispatcher.DispatchHandler = {
      onHeaders: () => true,
      onData: () => true,
      onComplete: () => resolve(),
      onError: reject,
    };
    client.dispatch({ path: '/', method: 'GET' }, handler);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
