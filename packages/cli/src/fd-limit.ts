import { readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

// What a volley process holds open besides its connections to the target: stdio, libuv's own descriptors, the
// controller's listening socket and both ends of each agent's WebSocket, a metrics or demo-target pipe (about 25
// measured with one connection), with room to spare.
const SPARE = 32;

/** The soft and hard limit on open files, from /proc on Linux; undefined where it cannot be read. */
export function fileLimit(text = readLimits()): { soft: number; hard: number } | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(text ?? '');
  if (!m) return undefined;
  const n = (s: string | undefined) => (s === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s));
  return { soft: n(m[1]), hard: n(m[2]) };
}

function readLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before anything starts, a run that needs more open files than a process may hold: past the limit, new
 * sockets fail with EMFILE, the in-process agent starves until its own dead-man's switch trips, and even `-o`
 * cannot be written. Node cannot raise the limit itself (no setrlimit), so the user is told how. Each local agent
 * is a process of its own with its share of the connections; one agent shares this process with the controller.
 */
export function checkFileLimit(connections: number, agents: number, limit = fileLimit()): void {
  if (limit === undefined) return;
  const perAgent = Math.ceil(connections / agents) + SPARE;
  const needed = agents === 1 ? perAgent : Math.max(perAgent, agents + SPARE);
  if (needed <= limit.soft) return;
  const hard = needed <= limit.hard ? '' : ` (the hard limit, ${limit.hard}, first)`;
  throw new UsageError(
    `-c ${connections} needs about ${needed} open files per process, over the limit of ${limit.soft}: raise it ` +
      `with ulimit -n ${needed}${hard}${agents === 1 ? ', or spread the connections over --agents' : ''}`,
  );
}
