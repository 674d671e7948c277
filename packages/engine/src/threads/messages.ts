import type { IntervalData } from '@volley/metrics';
import type { RunStats } from '../model-run.js';

/** Main thread to an engine thread. */
export type ToWorker = { type: 'start' } | { type: 'abort' };

/** An engine thread to the main thread. */
export type FromWorker =
  | { type: 'ready' }
  /** `errors`: the thread's first message of each error kind the interval names. */
  | { type: 'interval'; interval: IntervalData; errors: Array<[string, string]> }
  | { type: 'done'; stats: RunStats };
