import { Command, Flags } from '@oclif/core';
import { ControllerError } from '@volley/controller';
import type { Logger } from 'pino';
import { EXIT, isCleanExit, isUsageError, oneLine } from './errors.js';
import { createCliLogger, LOG_FORMATS, type LogFormat, prettyLine } from './log-format.js';
import { colourWanted } from './progress.js';
import { stderrLine } from './status-line.js';
import { nearest } from './suggest.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const chosenFormat = (format: LogFormat | undefined): LogFormat => format ?? (stderrLine.tty ? 'pretty' : 'json');

/** Flags, logging and error handling shared by every command. */
export abstract class VolleyCommand extends Command {
  static override baseFlags = {
    'log-level': Flags.option({
      options: LOG_LEVELS,
      default: 'warn',
      helpGroup: 'GLOBAL',
      summary: 'Log level for diagnostics (on stderr).',
    })(),
    'log-format': Flags.option({
      options: LOG_FORMATS,
      helpGroup: 'GLOBAL',
      summary: 'Log lines as JSON or one readable line each. Default: pretty on a terminal, JSON elsewhere.',
    })(),
    // Not oclif's Flags.version: its line names the npm package (`@volley/cli/0.1.0`), where `volley --version`
    // (answered by bin/run.js before oclif loads) says `volley/0.1.0`. Every command says the same.
    version: Flags.boolean({
      helpGroup: 'GLOBAL',
      summary: 'Print the version and exit.',
      async parse(_, ctx) {
        const { bin, version, platform, arch } = ctx.config;
        process.stdout.write(`${bin}/${version} ${platform}-${arch} node-${process.version}\n`);
        ctx.exit(0);
        return true;
      },
    }),
  };

  /**
   * A pino logger on stderr (stdout stays clean for reports), through the one writer progress uses too: pretty
   * on a terminal, JSON lines elsewhere, unless `format` (--log-format) says.
   */
  protected createLogger(level: string, format?: LogFormat): Logger {
    return createCliLogger(level, chosenFormat(format), stderrLine, colourWanted(stderrLine.tty));
  }

  /** Where the JSON log lines of an agent process this one started go: into this process's log, as it writes it. */
  protected childLog(format?: LogFormat): (line: string) => void {
    const pretty = chosenFormat(format) === 'pretty';
    const colour = colourWanted(stderrLine.tty);
    return (line) => stderrLine.line(pretty ? prettyLine(line, colour) : line);
  }

  /** User errors get one line and exit 2; anything else is a bug and keeps its stack trace. */
  protected override async catch(err: Error & { exitCode?: number }): Promise<unknown> {
    if (isCleanExit(err)) {
      process.exitCode = EXIT.ok;
      return;
    }
    if (isUsageError(err)) {
      stderrLine.clear();
      process.stderr.write(`volley: ${this.suggest(oneLine(err))}\n`);
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

  /** oclif's "Nonexistent flag: --conections", with the flag the user most likely meant. */
  private suggest(line: string): string {
    const typo = /^Nonexistent flags?: --?([\w-]+)/.exec(line)?.[1];
    if (typo === undefined) return line;
    const near = nearest(typo, Object.keys({ ...this.ctor.baseFlags, ...this.ctor.flags }));
    return near ? `${line} (did you mean --${near}?)` : line;
  }
}
