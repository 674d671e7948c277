import {
  formatDuration,
  MAX_TIMEOUT_MS,
  type PlanFragment,
  type PlanInput,
  parseDuration,
  parseRate,
  parseStage,
  stagesOf,
} from '@volley/plan';
import { UsageError } from './errors.js';

/** The plan flags as oclif parsed them. */
export interface PlanFlagValues {
  connections?: number | undefined;
  rate?: string | undefined;
  stage?: string[] | undefined;
  duration?: string | undefined;
  requests?: number | undefined;
  client?: string | undefined;
  method?: string | undefined;
  header?: string[] | undefined;
  redact?: string[] | undefined;
  body?: string | undefined;
  'body-file'?: string | undefined;
  timeout?: string | undefined;
  pipelining?: number | undefined;
  http2?: boolean | undefined;
  insecure?: boolean | undefined;
}

/** Parses `Name: value`. */
export function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon > 0 ? text.slice(0, colon).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`header must look like 'Name: value', got ${JSON.stringify(text)}`);
  }
  return [name, text.slice(colon + 1).trim()];
}

/** What the flags given say about the plan; a flag not given says nothing. Parsing errors are one line, exit 2. */
export function inputFromFlags(flags: PlanFlagValues): PlanFragment {
  const input: PlanFragment = {};
  if (flags.client !== undefined) input.client = flags.client as PlanInput['client'];
  if (flags.connections !== undefined) input.connections = flags.connections;
  if (flags.duration !== undefined) {
    input.durationMs = parseDuration(flags.duration);
    if (input.durationMs <= 0) throw new UsageError(`duration must be positive, got ${flags.duration}`);
  }
  if (flags.requests !== undefined) input.requests = flags.requests;
  if (flags.method !== undefined) input.method = flags.method;
  if (flags.header !== undefined) input.headers = flags.header.map(parseHeader);
  if (flags.redact !== undefined) input.redact = flags.redact;
  // `-b @FILE` names a file, as curl's does: read (bounded, async) where the plan input is put together.
  if (flags.body !== undefined && !flags.body.startsWith('@')) input.body = Buffer.from(flags.body);
  if (flags.timeout !== undefined) {
    input.timeoutMs = parseDuration(flags.timeout);
    // In the user's own words: `--timeout 0.1ms` rounds to 0 ms, which they never typed.
    if (input.timeoutMs < 1 || input.timeoutMs > MAX_TIMEOUT_MS) {
      throw new UsageError(`--timeout must be from 1ms to ${formatDuration(MAX_TIMEOUT_MS)}, got ${flags.timeout}`);
    }
  }
  if (flags.pipelining !== undefined) input.pipelining = flags.pipelining;
  if (flags.http2) input.http2 = true;
  if (flags.insecure) input.insecure = true;
  if (flags.rate !== undefined) {
    input.rate = parseRate(flags.rate, '--rate');
    input.model = 'open';
  }
  if (flags.stage) {
    const { model, stages } = stagesOf(flags.stage.map(parseStage));
    if (model === 'closed' && input.rate !== undefined) {
      throw new UsageError('--rate needs rate stages (30s:500/s), not connections');
    }
    input.stages = stages;
    input.model = model;
  }
  return input;
}
