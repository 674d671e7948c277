import type { Result } from '@volley/metrics';

/** A run in progress that can be stopped; its result still holds everything measured. */
export interface Abortable {
  readonly result: Promise<Result>;
  abort(reason: string): void;
}

/**
 * Waits for a run's result; Ctrl-C (or SIGTERM) aborts the run instead of killing the process, so the report of
 * what was measured is still printed and written.
 */
export async function untilDone(run: Abortable): Promise<Result> {
  const interrupt = (): void => run.abort('interrupted');
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await run.result;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}
