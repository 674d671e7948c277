// An engine thread that dies 300 ms after its Start when it is thread 1: the real worker plus a crash, so a test
// can prove that the others finish without it, with no hook in the production worker.
import { parentPort, workerData } from 'node:worker_threads';

await import('../src/threads/worker.js');
const { index } = workerData as { index: number };
parentPort?.on('message', (message: { type: string }) => {
  if (message.type !== 'start' || index !== 1) return;
  setTimeout(() => {
    throw new Error(`worker ${index} crashed on purpose`);
  }, 300);
});
