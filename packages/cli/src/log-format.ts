import { type Logger, pino } from 'pino';
import type { StatusLine } from './status-line.js';

/** How log lines are written: JSON lines (for machines, the default off a terminal) or one readable line each. */
export type LogFormat = 'json' | 'pretty';

export const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '2' },
  20: { name: 'DEBUG', colour: '2' },
  30: { name: 'INFO', colour: '36' },
  40: { name: 'WARN', colour: '33' },
  50: { name: 'ERROR', colour: '31' },
  60: { name: 'FATAL', colour: '31' },
};

// Said by the time, the level and the name in front, or of no use to a person reading a terminal.
const SHOWN_APART = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'component', 'agent', 'v']);

const value = (v: unknown): string => {
  if (typeof v === 'string') return /^[\w.:/@-]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
};

/**
 * One pino JSON line as one readable line: `12:03:04.512 WARN agent local: first EMFILE error kind=EMFILE`.
 * `colour` paints the level. A line that is not JSON is passed on as it is.
 */
export function prettyLine(json: string, colour: boolean): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const level = LEVELS[Number(entry.level)] ?? { name: String(entry.level), colour: '0' };
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
  const who = [entry.component, entry.agent].filter((v) => v !== undefined).join(' ');
  const fields = Object.entries(entry)
    .filter(([k]) => !SHOWN_APART.has(k))
    .map(([k, v]) => `${k}=${value(v)}`);
  const name = colour ? `\x1b[${level.colour}m${level.name}\x1b[0m` : level.name;
  const head = [time, name, who ? `${who}:` : ''].filter(Boolean).join(' ');
  return [head, String(entry.msg ?? ''), ...fields].filter(Boolean).join(' ');
}

/**
 * A pino logger writing through the CLI's one stderr writer, so a log line is put above the progress line, never
 * on it: JSON lines, or pretty ones (`colour` on a terminal). Writes are synchronous, so nothing is lost at exit.
 */
export function createCliLogger(level: string, format: LogFormat, out: StatusLine, colour: boolean): Logger {
  const write = (chunk: string): void => out.line(format === 'json' ? chunk : prettyLine(chunk, colour));
  return pino({ level, base: { pid: process.pid } }, { write });
}
