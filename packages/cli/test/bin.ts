import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The real `volley` binary, as users run it. */
export const BIN = fileURLToPath(new URL('../bin/run.js', import.meta.url));

export interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `volley ...args` in a child process to the end, bounded in time. */
export function volley(...args: string[]): Promise<Exit> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

export { freePort } from '@volley/target';
