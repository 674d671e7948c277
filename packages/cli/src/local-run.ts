import { randomBytes } from 'node:crypto';
import { Agent, planToWire } from '@volley/agent';
import { Controller } from '@volley/controller';
import type { Plan } from '@volley/engine';
import type { Result } from '@volley/metrics';
import type { Logger } from 'pino';
import { describePlan } from './plan-from-flags.js';

/** A local run in progress: the same controller and agent as a distributed run, on loopback. */
export interface LocalRun {
  readonly result: Promise<Result>;
  /** Stops the run; the result still holds everything measured. */
  abort(reason: string): void;
}

/**
 * `volley run`: a controller on an ephemeral loopback port and one agent that joins it through the real protocol,
 * so a local run takes exactly the path of a distributed one.
 */
export function startLocalRun(plan: Plan, logger: Logger, toolVersion: string): LocalRun {
  // A random token keeps other local processes from joining the controller while it waits.
  const token = randomBytes(16).toString('hex');
  const controller = new Controller({
    host: '127.0.0.1',
    port: 0,
    agents: 1,
    plan: planToWire(plan),
    planInfo: describePlan(plan),
    toolVersion,
    token,
    logger,
    startDelayMs: 0,
    waitTimeoutMs: 10_000,
  });
  const result = (async () => {
    const url = await controller.listen();
    const agent = new Agent({ url, token, name: 'local', logger });
    const session = agent.serve();
    try {
      return await controller.run();
    } finally {
      agent.stop();
      await controller.close();
      await session.catch(() => {});
    }
  })();
  return { result, abort: (reason) => controller.abort(reason) };
}
