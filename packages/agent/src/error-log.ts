import { firstErrorMessage } from '@volley/engine';
import type { IntervalData } from '@volley/metrics';
import type { Logger } from 'pino';

/** Kinds that say the generator (or the request as given) is at fault, not the target: said at warn, not info. */
const GENERATOR_KINDS = /^(EMFILE|ENFILE|EADDRNOTAVAIL|other(:.*)?)$/;

/**
 * Logs the first error of each kind a run meets, once, with the message it came with, so a cause the counts only
 * name (`other:UND_ERR_INVALID_ARG`, `EMFILE`) is one log line away. Once per interval, never per request. Engine
 * threads post their first messages beside their intervals, so a threaded run logs them too.
 */
export class ErrorKindLog {
  private readonly seen = new Set<string>();

  constructor(private readonly log: Logger) {}

  note(interval: IntervalData): void {
    for (const kind of Object.keys(interval.byError)) {
      if (this.seen.has(kind)) continue;
      this.seen.add(kind);
      const message = firstErrorMessage(kind);
      const fields = { kind, ...(message !== undefined ? { message } : {}) };
      if (GENERATOR_KINDS.test(kind)) this.log.warn(fields, `first ${kind} error`);
      else this.log.info(fields, `first ${kind} error`);
    }
  }
}

/** `sink`, with the first error of each kind in its intervals logged on the way (see ErrorKindLog). */
export function logFirstErrors(log: Logger, sink: (interval: IntervalData) => void): (interval: IntervalData) => void {
  const errors = new ErrorKindLog(log);
  return (interval) => {
    errors.note(interval);
    sink(interval);
  };
}
