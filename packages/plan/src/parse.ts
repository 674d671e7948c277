import { PlanError } from './errors.js';
import type { Stage, WorkloadModel } from './plan.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses `250ms`, `10s`, `1m30s`, `2h` or a bare number of seconds into milliseconds. Throws PlanError. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new PlanError('INVALID_NUMBER', `not a duration: ${JSON.stringify(text)} (try 500ms, 10s, 1m30s)`);
  }
  let ms = 0;
  for (const [, n, unit] of parts) ms += Number(n) * (UNIT_MS[unit ?? 's'] ?? 1000);
  return Math.round(ms);
}

/** `500`, `500/s` or `1.5k`: requests per second. `name` is what the error calls the value (`--rate`). */
export function parseRate(text: string, name = 'rate'): number {
  const m = /^(\d+(?:\.\d+)?)(k)?(?:\/s)?$/.exec(text.trim());
  if (!m)
    throw new PlanError(
      'INVALID_NUMBER',
      `${name} must be requests per second, like 500 or 2.5k, got ${JSON.stringify(text)}`,
    );
  return Number(m[1]) * (m[2] ? 1000 : 1);
}

/** A ramp's legs and the model they imply: rate targets (`500/s`) make an open run, bare numbers a closed one. */
export interface ParsedStages {
  model: WorkloadModel;
  stages: Stage[];
}

/** One leg from its two parts: a duration (a number is seconds) and `500/s` (a rate) or `50` (connections). */
export function parseStageParts(duration: string | number, target: string | number): Stage & { perSecond: boolean } {
  const durationMs = typeof duration === 'number' ? Math.round(duration * 1000) : parseDuration(duration);
  if (durationMs <= 0)
    throw new PlanError('INVALID_STAGES', `a stage needs a positive duration, got ${JSON.stringify(duration)}`);
  const m = /^(\d+(?:\.\d+)?)(k)?(\/s)?$/.exec(String(target).trim());
  if (!m) {
    throw new PlanError(
      'INVALID_STAGES',
      `a stage target is a rate like 500/s or connections like 50, got ${JSON.stringify(target)}`,
    );
  }
  return { durationMs, target: Number(m[1]) * (m[2] ? 1000 : 1), perSecond: m[3] !== undefined };
}

/** `30s:500/s` (rate) or `1m:50` (connections). */
export function parseStage(text: string): Stage & { perSecond: boolean } {
  const m = /^([^:]+):([^:]+)$/.exec(text.trim());
  if (!m || !/^\d+(?:\.\d+)?k?(\/s)?$/.test(m[2] ?? '')) {
    throw new PlanError(
      'INVALID_STAGES',
      `--stage must be DURATION:TARGET, like 30s:500/s or 1m:50, got ${JSON.stringify(text)}`,
    );
  }
  return parseStageParts(m[1] ?? '', m[2] ?? '');
}

/** Legs that are all rates or all connections, and the model that makes. */
export function stagesOf(legs: Array<Stage & { perSecond: boolean }>): ParsedStages {
  const open = legs.every((s) => s.perSecond);
  if (!open && legs.some((s) => s.perSecond)) {
    throw new PlanError(
      'INVALID_STAGES',
      "stages are all rates ('30s:500/s') or all connections ('30s:50'), not a mix",
    );
  }
  return { model: open ? 'open' : 'closed', stages: legs.map(({ durationMs, target }) => ({ durationMs, target })) };
}
