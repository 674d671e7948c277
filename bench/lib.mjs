// What the bench scripts share: where the CLI is, a free loopback port (from @volley/target), a median, how loaded
// the machine was (CPU pressure) while something ran.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The volley CLI entry, as users run it. */
export const VOLLEY = join(dirname(require.resolve('@volley/cli/package.json')), 'bin', 'run.js');

/** The middle value (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export { freePort } from '@volley/target';

/**
 * Linux's CPU pressure (PSI): microseconds so far during which some runnable task waited for a CPU, or NaN where
 * /proc/pressure is missing. Over a run, its growth divided by the run's wall time says how much of the time
 * something queued for a core: near 0 on a quiet machine, high when neighbours load it (the figures are noise then).
 */
export function cpuStallUs() {
  try {
    const line = readFileSync('/proc/pressure/cpu', 'utf8').split('\n')[0];
    return Number(/total=(\d+)/.exec(line)?.[1] ?? Number.NaN);
  } catch {
    return Number.NaN;
  }
}

/** Runs `fn`; returns its result and the share (0..1) of its wall time during which some task waited for a CPU. */
export async function withPressure(fn) {
  const [stall0, t0] = [cpuStallUs(), performance.now()];
  const result = await fn();
  const pressure = (cpuStallUs() - stall0) / ((performance.now() - t0) * 1000);
  return { result, pressure };
}

/**
 * How many times the server listening on loopback `port` went to sleep so far: the voluntary context switches of
 * every thread of every process holding its listening socket (nginx's master and workers, the built-in target),
 * or NaN off Linux. A sleeping server is woken by the next request's write, and the writer pays for the wake-up
 * in its own system call: a client that sends in small batches wakes it far more often than one that sends many
 * at once (the open model against the closed one).
 */
export function serverSleeps(port) {
  try {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    const inodes = new Set();
    for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const f = line.trim().split(/\s+/);
        // local address ends in :PORT, state 0A is LISTEN, field 9 is the socket's inode.
        if (f[1]?.endsWith(`:${hex}`) && f[3] === '0A') inodes.add(`socket:[${f[9]}]`);
      }
    }
    let sleeps = 0;
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      if (holdsAny(pid, inodes)) sleeps += sleepsOf(pid);
    }
    return inodes.size > 0 ? sleeps : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function sleepsOf(pid) {
  let sleeps = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
      sleeps += Number(/^voluntary_ctxt_switches:\s*(\d+)/m.exec(status)?.[1] ?? 0);
    }
  } catch {
    // a thread or the process ended meanwhile: what was read counts
  }
  return sleeps;
}

function holdsAny(pid, inodes) {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(readlinkSync(`/proc/${pid}/fd/${fd}`));
      } catch {
        return false; // closed meanwhile
      }
    });
  } catch {
    return false; // gone, or not ours to read
  }
}
