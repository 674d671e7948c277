import type { ControllerEvent } from '@volley/controller';
import type { Plan } from '@volley/plan';
import { renderProgress } from '@volley/report';

/** Where progress goes: stderr in the CLI, so stdout keeps only the report or the JSON document. */
export interface ProgressOut {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Live progress, as a listener on the controller's events (the engine and the controller never print): on a
 * terminal one line redrawn in place, elsewhere (CI logs, pipes) one line per interval, nothing when quiet.
 * Agent events are always printed as lines of their own, above the progress line.
 */
export class Progress {
  private drawn = false;

  constructor(
    private readonly out: ProgressOut,
    private readonly plan: Pick<Plan, 'durationMs' | 'requests'>,
    private readonly quiet = false,
  ) {}

  readonly listener = (event: ControllerEvent): void => {
    if (event.type !== 'interval') {
      if (!this.quiet && event.type === 'lost') this.line(`volley: agent ${event.name} LOST: ${event.reason}`);
      return;
    }
    if (this.quiet) return;
    const text = renderProgress({
      interval: event.interval,
      total: event.total,
      agents: event.agents,
      durationMs: this.plan.durationMs,
      requests: this.plan.requests,
    });
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
      this.drawn = true;
    } else {
      this.out.write(`${text}\n`);
    }
  };

  /** A line of its own, above the redrawn progress line. */
  line(text: string): void {
    this.clear();
    this.out.write(`${text}\n`);
  }

  /** Removes the progress line, before the report is printed. */
  clear(): void {
    if (!this.drawn) return;
    this.out.write('\r\x1b[2K');
    this.drawn = false;
  }
}
