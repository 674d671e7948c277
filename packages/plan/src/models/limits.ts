import { nonNegative, PlanError, positiveDuration, positiveInteger } from '../errors.js';
import { DEFAULT_DURATION_MS, MAX_DURATION_MS, type Plan, type PlanInput, type Stage } from '../plan.js';

/** A model's stages, each checked: a positive duration and a target from 0 to `max`. */
export function checkStages(input: PlanInput, max: number): Stage[] {
  const stages = (input.stages ?? []).map((stage, i) => ({
    durationMs: positiveDuration(`stage ${i + 1} duration`, stage.durationMs, MAX_DURATION_MS),
    target: nonNegative(`stage ${i + 1} target`, stage.target, max),
  }));
  if (stages.length > 0 && (given(input.durationMs) || given(input.requests))) {
    throw new PlanError('CONFLICTING_LIMITS', 'stages set the duration: give no duration or request count with them');
  }
  return stages;
}

/** What bounds the run: its stages' total, a request count, or a duration (the default). */
export function runLength(input: PlanInput, stages: Stage[]): { durationMs: number; requests: number } {
  const stagedMs = stages.reduce((ms, s) => ms + s.durationMs, 0);
  if (stagedMs > 0) return { durationMs: positiveDuration('stages in all', stagedMs, MAX_DURATION_MS), requests: 0 };
  if (given(input.requests)) return { durationMs: 0, requests: positiveInteger('requests', input.requests ?? 0) };
  return {
    durationMs: positiveDuration('duration', input.durationMs ?? DEFAULT_DURATION_MS, MAX_DURATION_MS),
    requests: 0,
  };
}

/** 0 and undefined both mean "not given". */
export function given(n: number | undefined): boolean {
  return n !== undefined && n !== 0;
}

/** Most shares when each needs a connection, and a request when the plan counts them. */
export function oneEach(plan: Plan): number {
  return plan.requests > 0 ? Math.min(plan.connections, plan.requests) : plan.connections;
}
