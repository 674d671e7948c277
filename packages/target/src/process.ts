import { fork } from 'node:child_process';
import { serveScript } from './serve-script.js';
import type { Target, TargetOptions, TargetStats } from './target.js';

/** A target in a process of its own, so it does not share a CPU with the load generator that measures it. */
export interface TargetProcess extends Omit<Target, 'stats'> {
  stats(): Promise<TargetStats>;
}

/** Starts the target in a child process; it dies with its parent. */
export function startTargetProcess(options: TargetOptions = {}): Promise<TargetProcess> {
  const child = fork(serveScript(), [JSON.stringify(options)], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`target process exited with code ${code}`)));
    child.once('message', (msg) => {
      const { url, port } = msg as { url: string; port: number };
      child.removeAllListeners('exit');
      resolve({
        url,
        port,
        stats: () =>
          new Promise<TargetStats>((res) => {
            child.once('message', (m) => res((m as { stats: TargetStats }).stats));
            child.send('stats');
          }),
        close: () =>
          new Promise<void>((res) => {
            if (child.exitCode !== null) return res();
            child.once('exit', () => res());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
