import { Command, Flags } from '@oclif/core';
import { ControllerError } from '@volley/controller';
import { type Logger, pino } from 'pino';
import { EXIT, isUsageError, oneLine } from './errors.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Flags, logging and error handling shared by every command. */
export abstract class VolleyCommand extends Command {
  static override baseFlags = {
    'log-level': Flags.option({
      options: LOG_LEVELS,
      default: 'warn',
      helpGroup: 'GLOBAL',
      summary: 'Log level for diagnostics (JSON lines on stderr).',
    })(),
    version: Flags.version({ helpGroup: 'GLOBAL' }),
  };

  /** A pino logger writing JSON lines to stderr, so stdout stays clean for reports. */
  protected createLogger(level: string): Logger {
    return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
  }

  /** User errors get one line and exit 2; anything else is a bug and keeps its stack trace. */
  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isUsageError(err)) {
      process.stderr.write(`volley: ${oneLine(err)}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    if (err instanceof ControllerError) {
      // No agents in time, or stopped while waiting: not a bug, so no stack trace; nothing was measured.
      process.stderr.write(`volley: ${err.message}\n`);
      process.exitCode = EXIT.failure;
      return;
    }
    return super.catch(err);
  }
}
