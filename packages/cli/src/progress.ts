import type { ControllerEvent } from '@volley/controller';
import type { Stage } from '@volley/plan';
import { fitProgress, type ProgressState, progressParts, rampAt } from '@volley/report';
import type { StatusLine } from './status-line.js';

/** What progress needs of a plan: its bounds, and its load (to say the asked rate or the stage's connections). */
export interface ProgressPlan {
  durationMs: number;
  requests: number;
  model?: string;
  rate?: number;
  connections?: number;
  stages?: readonly Stage[];
}

/** Colour on a terminal unless NO_COLOR is set (no-color.org): any non-empty value turns it off. */
export function colourWanted(tty: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return tty && !env.NO_COLOR;
}

const red = (text: string): string => `\x1b[31m${text}\x1b[39m`;

/**
 * Live progress, as a listener on the controller's events (the engine and the controller never print): on a
 * terminal one line redrawn in place, fitted to its width, failures in red; elsewhere (CI logs, pipes) one line
 * per interval; nothing but a lost agent when quiet. Every line goes through the one StatusLine that log lines
 * go through too, so neither lands on the other.
 */
export class Progress {
  private failed = 0;
  private late = 0;
  private dropped = 0;
  private readonly colour: boolean;

  constructor(
    private readonly out: StatusLine,
    private readonly plan: ProgressPlan,
    private readonly quiet = false,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.colour = colourWanted(out.tty, env);
  }

  /** Before the first interval: on a terminal, say what the seconds of silence are. */
  begin(): void {
    if (!this.quiet && this.out.tty) this.out.show(this.fit('warming up, connecting to the target...'));
  }

  readonly listener = (event: ControllerEvent): void => {
    if (event.type === 'lost') {
      // Why a run stopped early is said even with --quiet: the report only says that it did.
      this.out.line(`volley: agent ${event.name} LOST: ${event.reason}`);
      return;
    }
    if (this.quiet) return;
    if (event.type === 'started') {
      if (this.out.tty) this.out.show(this.fit('started: first figures after the first interval...'));
      return;
    }
    if (event.type !== 'interval') return;
    this.failed += event.interval.failed ?? 0;
    this.late += event.interval.late ?? 0;
    this.dropped += event.interval.dropped ?? 0;
    const state: ProgressState = {
      interval: event.interval,
      total: { ...event.total, failed: this.failed },
      agents: event.agents,
      durationMs: this.plan.durationMs,
      requests: this.plan.requests,
    };
    const stages = this.plan.stages ?? [];
    const at = (start: number) => Math.round(rampAt(start, stages, event.total.elapsedMs));
    if (this.plan.model === 'open') {
      state.open = { asked: at(this.plan.rate ?? 0), late: this.late, dropped: this.dropped };
    } else if (stages.length > 0) {
      // A ramp of connections starts from none (the plan's count is its highest target).
      state.connections = at(0);
    }
    const parts = progressParts(state);
    this.out.show(this.out.tty ? fitProgress(parts, this.out.width, this.colour ? red : undefined) : plain(parts));
  };

  /** A line of its own, above the redrawn progress line. */
  line(text: string): void {
    this.out.line(text);
  }

  /** Removes the progress line, before the report is printed. */
  clear(): void {
    this.out.clear();
  }

  private fit(text: string): string {
    return text.slice(0, this.out.width);
  }
}

const plain = (parts: ReturnType<typeof progressParts>): string => parts.map((p) => p.text).join('  ');
