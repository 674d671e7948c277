import { type ChildProcess, spawn } from 'node:child_process';
import { cleanEnv } from './package.js';

/** How a process ended, with what it printed. */
export interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A started process: `ended` settles when it exits; `stderr` grows as it prints. */
export interface Started {
  child: ChildProcess;
  ended: Promise<Ended>;
  readonly stderr: string;
}

const running = new Set<ChildProcess>();

/** Kills whatever a test left running (call in `afterEach`), and waits for each to be gone. */
export async function killAll(): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill('SIGKILL');
  await Promise.all(left.map((child) => new Promise((resolve) => child.once('close', resolve))));
}

/** Starts `bin ...args` in `cwd` with a user's environment, killed after `timeoutMs` whatever happens. */
export function startBin(bin: string, args: string[], cwd: string, timeoutMs = 30_000): Started {
  const child = spawn(bin, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out.stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (out.stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const ended = new Promise<Ended>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, ...out });
    });
  });
  return {
    child,
    ended,
    get stderr() {
      return out.stderr;
    },
  };
}

/** Runs `bin ...args` to its end; rejects, with what it printed, unless it exits 0. */
export async function runBin(bin: string, args: string[], cwd: string, timeoutMs?: number): Promise<Ended> {
  const ended = await startBin(bin, args, cwd, timeoutMs).ended;
  if (ended.code !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${ended.code}:\n${ended.stderr}`);
  return ended;
}

/** Resolves once `started` has printed a line matching `pattern` on stderr; rejects if it exits first. */
export function waitForLine(started: Started, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const m = pattern.exec(started.stderr);
      if (m) resolve(m);
      return m !== null;
    };
    if (check()) return;
    started.child.stderr?.on('data', check);
    started.ended.then((e) => reject(new Error(`exited ${e.code} before ${pattern}:\n${e.stderr}`)));
  });
}
