import type { IntervalData } from '@volley/metrics';
import type { RunStats } from '../model-run.js';

/** Main thread to an engine thread. */
export type ToWorker = { type: 'start' } | { type: 'abort' };

/** An engine thread to the main thread. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'interval'; interval: IntervalData }
  | { type: 'done'; stats: RunStats };
