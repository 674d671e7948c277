/** Where the CLI's diagnostics go (stderr): its terminal width and whether it is one. */
export interface StatusOut {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const CLEAR = '\r\x1b[2K';
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is exactly what an ANSI colour code starts with.
const ANSI = /\u001b\[[0-9;]*m/g;

/** How many columns a string takes on a terminal, colour codes left out. */
export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/**
 * The one writer of stderr: live progress (a status line, redrawn in place on a terminal) and every log or event
 * line go through it, so a log line never lands on the progress line. On a terminal a line is written above the
 * status line: the status is cleared, the line written, the status drawn again, in one write. Elsewhere (a pipe,
 * a CI log) every status is a line of its own.
 */
export class StatusLine {
  private status: string | undefined;

  constructor(private readonly out: StatusOut) {}

  /** Is this a terminal, where a status line can be redrawn in place? */
  get tty(): boolean {
    return this.out.isTTY === true;
  }

  /** The terminal's width (80 where it does not say), less one column so the cursor never wraps a line. */
  get width(): number {
    return Math.max(20, (this.out.columns || 80) - 1);
  }

  /** A line of its own, above the status line on a terminal. */
  line(text: string): void {
    const body = text.endsWith('\n') ? text : `${text}\n`;
    if (this.tty && this.status !== undefined) this.out.write(`${CLEAR}${body}${this.status}`);
    else this.out.write(body);
  }

  /** Shows the status: redrawn in place on a terminal (fit it to `width` first), a line elsewhere. */
  show(text: string): void {
    if (!this.tty) {
      this.out.write(`${text}\n`);
      return;
    }
    this.status = text;
    this.out.write(`${CLEAR}${text}`);
  }

  /** Removes the status line, before a report is printed. */
  clear(): void {
    if (this.status === undefined) return;
    this.out.write(CLEAR);
    this.status = undefined;
  }
}

/** This process's stderr, as the CLI's one writer of it. */
export const stderrLine = new StatusLine(process.stderr);
