import { PlanError } from './errors.js';

// RFC 9110 field names are tokens; a value is visible ASCII, space, tab, or obs-text (Latin-1), which is exactly
// what undici and node:http let through. CR or LF would split the request, and any other byte makes every request
// of the run fail at send, so both are refused at input, where the user can still be told which header it is.
const NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Headers that carry credentials: masked in every result and report, whatever --redact adds. */
export const SECRET_HEADERS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

/** What a masked header's value reads as in a result. */
export const REDACTED = '[redacted]';

/** Header pairs a request can carry, or a PlanError naming the first that cannot. `where` prefixes the message. */
export function checkHeaders(headers: Array<[string, string]>, where = 'header'): Array<[string, string]> {
  for (const [name, value] of headers) {
    if (!NAME.test(name)) throw new PlanError('INVALID_HEADER', `${where} name is not valid: ${JSON.stringify(name)}`);
    const bad = BAD_VALUE_CHAR.exec(value);
    if (bad) {
      const code = (bad[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
      throw new PlanError(
        'INVALID_HEADER',
        `${where} ${name}: the value holds U+${code}; only printable Latin-1 text (no CR, LF or ` +
          'control characters) can be sent',
      );
    }
  }
  return headers;
}

/** Header names to mask: the secret ones and `extra` (case-insensitive), lowercased, each once. */
export function redactedNames(extra: readonly string[]): string[] {
  for (const name of extra) {
    if (!NAME.test(name)) throw new PlanError('INVALID_HEADER', `redact: not a header name: ${JSON.stringify(name)}`);
  }
  return [...new Set([...SECRET_HEADERS, ...extra.map((n) => n.toLowerCase())])];
}

/** The headers with the value of each one named in `names` (lowercase) replaced by REDACTED. */
export function redactHeaders(headers: Array<[string, string]>, names: readonly string[]): Array<[string, string]> {
  return headers.map(([name, value]) => [name, names.includes(name.toLowerCase()) ? REDACTED : value]);
}

/**
 * Is the path sendable as it is? undici refuses any character outside U+0021 to U+00FF in a request path (a
 * space, a control character, most non-Latin-1 text), and every request would fail at send: refused at input.
 */
export function sendablePath(path: string): boolean {
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c < 0x21 || c > 0xff) return false;
  }
  return true;
}
