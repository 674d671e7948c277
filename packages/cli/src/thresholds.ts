import type { Result } from '@volley/metrics';
import { checkThresholdNames, evaluateThresholds, parseThreshold, type Threshold } from '@volley/report';
import { EXIT } from './errors.js';

/**
 * Parses every threshold up front (a bad one is exit 2 before any load is sent). `names`, when the run's named
 * requests are known (a scenario's, a saved result's), are what `{step=NAME}` may name.
 */
export function parseThresholds(exprs: readonly string[], names?: readonly string[]): Threshold[] {
  const thresholds = exprs.map(parseThreshold);
  if (names !== undefined) checkThresholdNames(thresholds, names);
  return thresholds;
}

/** Evaluates the thresholds into the result (so the report and the file both show them). */
export function applyThresholds(result: Result, thresholds: readonly Threshold[]): void {
  if (thresholds.length > 0) result.thresholds = evaluateThresholds(thresholds, result);
}

/**
 * The exit code of a finished run: 1 if it was stopped early (its figures are partial, so a threshold verdict
 * on them would mislead), 99 if a threshold failed, 0 otherwise.
 */
export function exitCodeFor(result: Result): number {
  if (result.aborted) return EXIT.failure;
  return result.thresholds.some((t) => !t.pass) ? EXIT.threshold : EXIT.ok;
}
