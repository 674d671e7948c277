import { randomUUID } from 'node:crypto';
import type { Segment } from '@volley/plan';

/** What a template reads at a send: the iteration's rows, the user's captured values, its numbers. */
export interface RenderContext {
  /** The current row of each data set, in the flow's order of sets. */
  rows: ReadonlyArray<readonly string[] | undefined>;
  /** Captured values by slot ('' until captured). */
  vars: readonly string[];
  /** `$vu`: the user's number, from 1 over the whole run. */
  vu: number;
  /** `$iteration`: the user's iteration, from 0. */
  iteration: number;
  /** `$seq`: a number no other send of the run gets. */
  seq(): number;
}

/** Fills in a compiled template. Text-only templates (the common case) return their one piece as it is. */
export function render(segments: readonly Segment[], ctx: RenderContext): string {
  if (segments.length === 1 && segments[0]?.kind === 'text') return segments[0].text;
  let out = '';
  for (const s of segments) out += piece(s, ctx);
  return out;
}

function piece(s: Segment, ctx: RenderContext): string {
  switch (s.kind) {
    case 'text':
      return s.text;
    case 'data':
      return ctx.rows[s.set]?.[s.column] ?? '';
    case 'var':
      return ctx.vars[s.slot] ?? '';
    case 'uuid':
      return randomUUID();
    case 'seq':
      return String(ctx.seq());
    case 'vu':
      return String(ctx.vu);
    case 'iteration':
      return String(ctx.iteration);
    case 'randomInt':
      return String(s.min + Math.floor(Math.random() * (s.max - s.min + 1)));
  }
}
