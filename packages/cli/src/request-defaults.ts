import { createRequire } from 'node:module';
import type { PlanFragment } from '@volley/plan';
import { MiB, readBounded } from './bounded-read.js';
import type { PlanFlagValues } from './flags-input.js';

/** This volley's version, as `--version` and the default User-Agent say it. */
export const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** The User-Agent every request carries unless the user set one: servers' logs can tell load from users. */
export const USER_AGENT = `volley/${VERSION}`;

/** A body file as large as a scenario's `bodyFile` may be: held in memory once, shared by every request. */
const MAX_BODY_FILE_BYTES = 64 * MiB;

const hasUserAgent = (headers: ReadonlyArray<[string, string]> | undefined): boolean =>
  (headers ?? []).some(([name]) => name.toLowerCase() === 'user-agent');

/**
 * The plan input with `User-Agent: volley/X` added wherever the user did not set one (a header of any case, on the
 * command line, in the scenario, or on one named request), so agents send what the controller put in the plan.
 */
export function withUserAgent<T extends PlanFragment>(input: T): T {
  if (hasUserAgent(input.headers)) return input;
  const endpoints = input.endpoints ?? [];
  if (!endpoints.some((e) => hasUserAgent(e.headers))) {
    return { ...input, headers: [...(input.headers ?? []), ['user-agent', USER_AGENT]] };
  }
  // Some named requests set their own: plan headers go first on each, so the default goes on the others alone.
  return {
    ...input,
    endpoints: endpoints.map((e) =>
      hasUserAgent(e.headers) ? e : { ...e, headers: [...e.headers, ['user-agent', USER_AGENT]] },
    ),
  };
}

/** The file `--body-file FILE` or curl's `-b @FILE` names, if either does. */
export function bodyFileOf(flags: Pick<PlanFlagValues, 'body' | 'body-file'>): string | undefined {
  if (flags['body-file'] !== undefined) return flags['body-file'];
  return flags.body?.startsWith('@') ? flags.body.slice(1) : undefined;
}

/** The body a flag names a file of, read whole but bounded (a FIFO or /dev/zero is refused); undefined if none. */
export async function bodyFromFile(flags: Pick<PlanFlagValues, 'body' | 'body-file'>): Promise<Buffer | undefined> {
  const path = bodyFileOf(flags);
  if (path === undefined) return undefined;
  const flag = flags['body-file'] !== undefined ? '--body-file' : '--body @FILE';
  return readBounded(path, MAX_BODY_FILE_BYTES, `${flag}: cannot read ${path}`);
}
