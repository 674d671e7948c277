import { availableParallelism } from 'node:os';
import type { Result } from '@volley/metrics';
import { PlanError } from '@volley/plan';
import { type Logger, pino } from 'pino';
import { startLocalRun } from '../local-run.js';
import { applyThresholds, parseThresholds } from '../thresholds.js';
import { version } from '../version.js';
import { intervalListener, type LoadOptions, type LogLevel, onAbort, planOf } from './options.js';

/** A local run: `volley run` as a function. */
export interface RunOptions extends LoadOptions {
  /** Engine threads in the agent (a number, or 'auto' for one per core); default 1. */
  workers?: number | 'auto';
  /** Local agents: more than 1 runs each in a process of its own; default 1 (in this process). */
  agents?: number;
}

/** Diagnostics as JSON lines on stderr, as the CLI writes them; silent unless asked. */
export function apiLogger(level: LogLevel | undefined): Logger {
  return pino({ level: level ?? 'silent', base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}

/**
 * Runs load from this process exactly as `volley run` does (a controller and local agents over the real
 * protocol) and resolves to the same Result the CLI writes with `-o`. Bad options reject before any request is
 * sent, with an error whose `code` is stable (see VolleyError). Thresholds are judged into `result.thresholds`;
 * a failed one does not reject. Aborting `signal` stops the run and still resolves with what was measured.
 */
export async function run(options: RunOptions): Promise<Result> {
  const { plan, thresholds: exprs } = await planOf(options);
  const thresholds = parseThresholds(exprs);
  const workers = workersOf(options.workers);
  const agents = options.agents ?? 1;
  if (!Number.isInteger(agents) || agents < 1 || agents > plan.connections) {
    throw new PlanError('INVALID_NUMBER', `agents must be a whole number from 1 to connections (${plan.connections})`);
  }
  const local = startLocalRun(plan, apiLogger(options.logLevel), version, agents, intervalListener(options), workers);
  const unhook = onAbort(options.signal, (reason) => local.abort(reason));
  try {
    const result = await local.result;
    applyThresholds(result, thresholds);
    return result;
  } finally {
    unhook();
    await local.close();
  }
}

/** `workers` as `--workers` takes it: 1 to 256, or 'auto' for one thread per core. */
export function workersOf(workers: number | 'auto' | undefined): number {
  if (workers === undefined) return 1;
  if (workers === 'auto') return Math.min(256, availableParallelism());
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new PlanError('INVALID_NUMBER', `workers must be a whole number from 1 to 256, or 'auto', got ${workers}`);
  }
  return workers;
}
