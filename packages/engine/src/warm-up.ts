import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Plan, type PlanInput, resolvePlan } from '@volley/plan';
import type { IntervalSink, RunHandle } from './model-run.js';

/** Requests of the warm-up: enough for V8 to optimize the send-and-measure path, not only compile it. */
const WARM_UP_REQUESTS = 2_000;

let warming: Promise<void> | undefined;

/**
 * Pays a process's one-off costs before a run instead of in its first second: undici compiles its WebAssembly
 * HTTP parser (llhttp) on its first connection, and V8 compiles, then optimizes, each function only once it has
 * run often. The plan's own model sends its own request (method, headers, body) 2,000 times to a throwaway server
 * on loopback inside this process, through the same engine code; nothing is sent to the target, and what it
 * measures is thrown away. Once per process (per thread: each has its own parser and JIT); never fails, at worst
 * it warms less.
 */
export function warmUp(
  plan: Plan,
  model: Partial<PlanInput>,
  start: (plan: Plan, sink: IntervalSink) => RunHandle,
): Promise<void> {
  warming ??= run(plan, model, start).catch(() => {});
  return warming;
}

async function run(
  plan: Plan,
  model: Partial<PlanInput>,
  start: (plan: Plan, sink: IntervalSink) => RunHandle,
): Promise<void> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  try {
    const { port } = server.address() as AddressInfo;
    const warm = resolvePlan({
      url: `http://127.0.0.1:${port}/`,
      method: plan.method,
      headers: plan.headers.filter(([name]) => name.toLowerCase() !== 'host'),
      body: plan.body,
      model: plan.model,
      connections: 4,
      requests: WARM_UP_REQUESTS,
      ...model,
    });
    await start(warm, () => {}).done;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
