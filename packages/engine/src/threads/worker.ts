// One engine thread of a multi-threaded agent: runs its share of the plan and posts each interval to the main
// thread, which merges them. Nothing here prints or talks to the controller.
import { parentPort, workerData } from 'node:worker_threads';
import type { Plan } from '@volley/plan';
import { firstMessagesOf } from '../error-kind.js';
import { prepare, type RunHandle } from '../run.js';
import type { FromWorker, ToWorker } from './messages.js';

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread');
const { plan, health } = workerData as { plan: Plan; health?: boolean };
const post = (message: FromWorker): void => port.postMessage(message);

// Warm up and open this thread's connections now; the start comes when every thread has loaded (and, in an
// agent, at the controller's Start).
// Each thread measures its own health: its event loop and its CPU are its own.
const prepared = prepare(
  plan,
  (interval) => post({ type: 'interval', interval, errors: firstMessagesOf(Object.keys(interval.byError)) }),
  { health: health === true },
);
let handle: RunHandle | undefined;
port.on('message', (message: ToWorker) => {
  if (message.type === 'start') {
    handle = prepared.start();
    handle.done.then((stats) => {
      post({ type: 'done', stats });
      port.close();
    });
  } else if (message.type === 'abort') {
    if (handle) {
      handle.abort();
    } else {
      // Stopped before it started: nothing was sent, nothing to wait for.
      prepared.discard();
      post({ type: 'done', stats: { durationMs: 0, requests: 0, intervals: 0, aborted: true } });
      port.close();
    }
  }
});
prepared.ready.then(() => post({ type: 'ready' }));
