import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// The installed binary, exactly what `npx volley` runs.
const BIN = join(dirname(createRequire(import.meta.url).resolve('@volley/cli/package.json')), 'bin', 'run.js');

/** How a volley process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running volley process; `exited` settles when it ends, and it is killed if the test outlives it. */
export interface VolleyProcess {
  child: ChildProcess;
  exited: Promise<Exit>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `volley ...args`, killed after `timeoutMs` so no test can leave load running. */
export function start(args: string[], timeoutMs = 60_000): VolleyProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, exited };
}

/** Runs `volley ...args` to the end. */
export function volley(...args: string[]): Promise<Exit> {
  return start(args).exited;
}
