import { createServer } from 'node:net';

/**
 * A loopback port with nothing listening on it right now: free to bind, or refused when connected to. For tests
 * and benches that start a server on a port of their choosing, or need a port that refuses.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
