/** Longest agent name or host kept from a Hello: a report column, not a place for a payload. */
export const MAX_PRINTABLE_CHARS = 64;

// C0 controls and DEL, C1 controls (0x9B opens a terminal sequence on its own), and the bidirectional controls
// that make a terminal show text in another order than it was sent ("Trojan Source").
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it finds.
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the wire made safe to print: each control character written out as a visible escape (`\x1b`,
 * `\u202e`), and cut to MAX_PRINTABLE_CHARS characters. An agent's name reaches terminals, logs and reports;
 * raw, an escape sequence in it could clear the screen, retitle the window or hide lines.
 */
export function printable(text: string): string {
  const escaped = text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  const chars = [...escaped];
  return chars.length <= MAX_PRINTABLE_CHARS ? escaped : `${chars.slice(0, MAX_PRINTABLE_CHARS - 1).join('')}…`;
}
