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
  /** What it has printed so far. */
  readonly stdout: string;
  readonly stderr: string;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Kills every volley process still running and waits until each has ended. Each test file runs it after every
 * test, so a test that fails half-way leaves no controller or agent firing into the next one.
 */
export async function stopAll(): Promise<void> {
  const left = [...running];
  for (const child of left) child.kill('SIGKILL');
  await Promise.all(
    left.map((child) =>
      child.exitCode !== null || child.signalCode !== null
        ? undefined
        : new Promise((resolve) => child.once('close', resolve)),
    ),
  );
}

/** Starts `volley ...args`, killed after `timeoutMs` so no test can leave load running. */
export function start(
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number; netns?: string; group?: boolean } = {},
): VolleyProcess {
  // In a network namespace of the test's own: `ip netns exec NS node ...`.
  const [cmd, ...argv] = options.netns
    ? ['ip', 'netns', 'exec', options.netns, process.execPath, BIN, ...args]
    : [process.execPath, BIN, ...args];
  const child = spawn(cmd as string, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    // A process group of its own (`group`), as a shell gives a command: a signal to -pid reaches its children too.
    detached: options.group ?? false,
  });
  running.add(child);
  const proc = { child, stdout: '', stderr: '' } as { child: ChildProcess; stdout: string; stderr: string };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (proc.stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (proc.stderr += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  const exited = new Promise<Exit>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout: proc.stdout, stderr: proc.stderr });
    });
  });
  return Object.assign(proc, { exited });
}

/** Runs `volley ...args` to the end. */
export function volley(...args: string[]): Promise<Exit> {
  return start(args).exited;
}

/** Resolves once the process has printed a line matching `pattern` on stderr; rejects if it exits first. */
export async function waitForLine(proc: VolleyProcess, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let ended = false;
  proc.exited.then(() => {
    ended = true;
  });
  while (!pattern.test(proc.stderr)) {
    if (ended) throw new Error(`exited before printing ${pattern}:\n${proc.stderr}`);
    if (performance.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${proc.stderr}`);
    await sleep(20);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export { freePort } from '@volley/target';
