import type { PlanFragment } from '@volley/plan';
import { MiB, readBounded } from './bounded-read.js';
import type { PlanFlagValues } from './flags-input.js';
import { version } from './version.js';

/** The User-Agent every request carries unless the user set one: servers' logs can tell load from users. */
export const USER_AGENT = `volley/${version}`;

/** A body file as large as a scenario's `bodyFile` may be: held in memory once, shared by every request. */
const MAX_BODY_FILE_BYTES = 64 * MiB;

const hasUserAgent = (headers: ReadonlyArray<[string, string]> | undefined): boolean =>
  (headers ?? []).some(([name]) => name.toLowerCase() === 'user-agent');

/**
 * The plan input with `User-Agent: volley/X` added wherever the user did not set one (a header of any case, on the
 * command line, in the scenario, on one named request or one step of a flow), so agents send what the controller
 * put in the plan.
 */
export function withUserAgent<T extends PlanFragment>(input: T): T {
  if (hasUserAgent(input.headers)) return input;
  const out: T = { ...input };
  const endpoints = input.endpoints ?? [];
  // Plan headers go first on each named request: when some set their own, the default goes on the others alone.
  if (endpoints.some((e) => hasUserAgent(e.headers))) out.endpoints = endpoints.map(withOwnUserAgent);
  else out.headers = [...(input.headers ?? []), ['user-agent', USER_AGENT]];
  // A flow's step sends its own headers only (the plan's were put into each when it was built).
  if (input.flow) out.flow = { ...input.flow, steps: input.flow.steps.map(withOwnUserAgent) };
  return out;
}

function withOwnUserAgent<H extends { headers: Array<[string, string]> }>(holder: H): H {
  return hasUserAgent(holder.headers)
    ? holder
    : { ...holder, headers: [...holder.headers, ['user-agent', USER_AGENT]] };
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
