import { Errors } from '@oclif/core';
import { ControllerError } from '@volley/controller';
import { PlanError } from '@volley/plan';
import { ThresholdError } from '@volley/report';
import { TargetError } from '@volley/target';

/** Exit codes of the CLI contract. */
export const EXIT = { ok: 0, failure: 1, usage: 2, threshold: 99 } as const;

/** Bad input found at the CLI edge: one line for the user, exit 2. */
export class UsageError extends Error {
  readonly code = 'USAGE';
}

/** Is this the user's mistake (exit 2, one line) rather than a bug (stack trace)? */
export function isUsageError(err: unknown): boolean {
  // `--version` and `--help` end the command through oclif's exit(0), thrown from inside a flag's parse: that
  // is a finished command, not a refused flag.
  if (isCleanExit(err)) return false;
  if (err instanceof UsageError || err instanceof PlanError || err instanceof TargetError) return true;
  if (err instanceof ThresholdError) return true;
  if (err instanceof ControllerError && err.code === 'UNSPLITTABLE_PLAN') return true;
  // oclif's own parse errors: unknown flags, missing arguments, unknown options, exclusive flags.
  if (err instanceof Errors.CLIError && 'parse' in err) return true;
  // A flag's value its parser refused (`-c abc`, `-c -5`): oclif rethrows the parser's plain Error, renamed.
  return err instanceof Error && FLAG_PARSE.test(err.message);
}

/** oclif's exit(0) (after --version or --help), however deep in its flag parsing it was thrown. */
export function isCleanExit(err: unknown): boolean {
  return err instanceof Errors.ExitError && err.oclif.exit === 0;
}

const FLAG_PARSE = /^Parsing (--[\w-]+)\s*\n\s*/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what an ANSI colour code starts with.
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * An error message as one line: oclif's "See more help" tail dropped, its multi-line forms folded
 * ("Parsing --connections\n\tExpected an integer" becomes "--connections: expected an integer").
 */
export function oneLine(err: Error): string {
  let text = err.message.replace(ANSI, '').replace(/\n?See more help with --help\s*$/, '');
  text = text.replace(FLAG_PARSE, (_, flag: string) => `${flag}: `).replace(/^(--[\w-]+: )Expected/, '$1expected');
  text = text.replace(/^The following errors? occurred:\s*/, '');
  text = text.replace(/^Missing required flag ([\w-]+)/, 'missing required flag --$1');
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // Exclusive flags report each side ("--duration cannot be used with --requests", and back): one says it all.
  return lines[0] ?? '';
}
