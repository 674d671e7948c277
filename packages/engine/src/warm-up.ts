import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Plan, type PlanInput, resolvePlan } from '@volley/plan';
import type { EngineModel } from './model.js';
import type { IntervalSink, RunHandle } from './model-run.js';

/**
 * Requests of the full warm-up: enough for V8 to optimize the send-and-measure path, not only compile it. Measured
 * with bench/warm-up.mjs (fresh processes, the open model at 10,000/s): with 1,500 or fewer the first second
 * still had hundreds to thousands of late sends and a p99 twice the second's; 2,000 was the shortest that held.
 */
export const WARM_UP_REQUESTS = 2_000;

/**
 * Requests of the short warm-up, for plans that never get hot: enough for undici to compile its HTTP parser and
 * for each function on the path to run once, so the run's first request does not measure a compiler.
 */
export const COMPILE_REQUESTS = 8;

/** Below this many requests a run is over before the JIT would matter: it gets the short warm-up. */
const HOT_REQUESTS = 5_000;
/** Below this rate (req/s) the open model's sends are far enough apart that cold code is never late. */
const HOT_RATE = 1_000;

/**
 * How many requests warm this plan's process up: the full warm-up only when the run is hot enough for cold code
 * to show (many requests, a duration, a high rate); the short one when it cannot benefit (`-n 1`, `-R 50`).
 */
export function warmUpRequests(plan: Plan): number {
  if (plan.requests > 0 && plan.requests < HOT_REQUESTS) return COMPILE_REQUESTS;
  if (plan.model === 'open' && plan.rate < HOT_RATE && plan.stages.every((s) => s.target < HOT_RATE)) {
    return COMPILE_REQUESTS;
  }
  return WARM_UP_REQUESTS;
}

/** Is the plan hot enough for the JIT to matter (it gets the full warm-up)? */
export function hotPlan(plan: Plan): boolean {
  return warmUpRequests(plan) === WARM_UP_REQUESTS;
}

let warming: Promise<void> | undefined;

/**
 * Pays a process's one-off costs before a run instead of in its first second: undici compiles its WebAssembly
 * HTTP parser (llhttp) on its first connection, and V8 compiles, then optimizes, each function only once it has
 * run often. The plan's own model sends its own request (method, headers, body) `requests` times (see
 * warmUpRequests) to a throwaway server on loopback inside this process, through the same engine code; nothing is
 * sent to the target, and what it measures is thrown away. The full warm-up then runs the model's other phases
 * (a second run for a duration; the open model's paced): code optimized on one run alone deoptimizes at the next
 * run's start, on each closure made per run and each branch the first never took, and the run would begin on cold
 * code. Once per process (per thread: each has its own parser and JIT): the first call's length holds; never fails,
 * at worst it warms less.
 */
export function warmUp(
  plan: Plan,
  phases: EngineModel<Plan>['warmUp'],
  start: (plan: Plan, sink: IntervalSink) => RunHandle,
  requests = warmUpRequests(plan),
): Promise<void> {
  warming ??= requests > 0 ? warmUpRuns(plan, phases, start, requests).catch(() => {}) : Promise.resolve();
  return warming;
}

/** The warm-up's runs themselves, each started with `start`, whatever this process has warmed already. */
export async function warmUpRuns(
  plan: Plan,
  [first, ...rest]: EngineModel<Plan>['warmUp'],
  start: (plan: Plan, sink: IntervalSink) => RunHandle,
  requests: number,
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
    const request: PlanInput = {
      url: `http://127.0.0.1:${port}/`,
      method: plan.method,
      headers: plan.headers.filter(([name]) => name.toLowerCase() !== 'host'),
      body: plan.body,
      model: plan.model,
      connections: Math.min(4, requests),
    };
    await start(resolvePlan({ ...request, requests, ...first }), () => {}).done;
    if (requests < WARM_UP_REQUESTS) return;
    for (const phase of rest) await start(resolvePlan({ ...request, ...phase }), () => {}).done;
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
