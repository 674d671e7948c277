import {
  type Capture,
  type Check,
  expandEnv,
  type FlowStep,
  hasTemplate,
  PlanError,
  parseDuration,
} from '@volley/plan';
import type { HeaderMap, StepEntry } from './file.js';
import type { FieldPath, Locator } from './locate.js';

/** A flow step before the run's URL is known: `origin` null takes the run's origin. */
export interface ScenarioStep extends Omit<FlowStep, 'origin'> {
  origin: string | null;
}

/** What building steps needs: where fields are, the environment `$env` reads, the scenario url's origin. */
export interface StepContext {
  locate: Locator;
  env: Readonly<Record<string, string | undefined>>;
  /** The scenario's `url:` origin: a step URL on it follows a command-line URL, as a path does. */
  origin: string | null;
}

/** Runs a plan parser, turning its PlanError into a one-line error at the field's place. */
export function at<T>(ctx: StepContext, field: FieldPath, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof PlanError) throw ctx.locate.error(field, err.message);
    throw err;
  }
}

/** `{{ $env.NAME }}` filled in from the controller's environment, here, before any plan is built. */
export const expand = (ctx: StepContext, text: string, field: FieldPath): string =>
  at(ctx, field, () => expandEnv(text, ctx.env));

export function headerPairs(
  ctx: StepContext,
  headers: HeaderMap | undefined,
  field: FieldPath,
): Array<[string, string]> {
  return Object.entries(headers ?? {}).map(([name, value]) => [name, expand(ctx, String(value), [...field, name])]);
}

/** A step's target from `path` or `url`: a URL elsewhere keeps its origin, one on the scenario's follows the run. */
export function target(
  ctx: StepContext,
  entry: { path?: string; url?: string },
  field: FieldPath,
): { origin: string | null; path: string } {
  if (entry.url === undefined) return { origin: null, path: expand(ctx, entry.path ?? '/', [...field, 'path']) };
  const url = expand(ctx, entry.url, [...field, 'url']);
  // Split by hand: new URL() would percent-encode the braces of a template in the path.
  const m = /^(https?:\/\/[^/?#]+)(.*)$/i.exec(url);
  let origin: string | undefined;
  try {
    origin = new URL(m?.[1] ?? '').origin;
  } catch {}
  if (!m || !origin || origin === 'null') throw ctx.locate.error([...field, 'url'], `not a valid URL: ${url}`);
  const rest = m[2] ?? '';
  if (rest.startsWith('#')) throw ctx.locate.error([...field, 'url'], 'a URL sent has no #fragment');
  const path = rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
  return { origin: origin === ctx.origin ? null : origin, path };
}

/** One `flow:` entry as a step; its body (from `body` or the text of `bodyFile`) is given. */
export function stepOf(ctx: StepContext, entry: StepEntry, i: number, body: string | null): ScenarioStep {
  const field: FieldPath = ['flow', i];
  return {
    name: entry.name,
    method: (entry.method ?? 'GET').toUpperCase(),
    ...target(ctx, entry, field),
    headers: headerPairs(ctx, entry.headers, [...field, 'headers']),
    body: body === null ? null : expand(ctx, body, [...field, entry.body !== undefined ? 'body' : 'bodyFile']),
    checks: checksOf(ctx, entry.check, [...field, 'check']),
    captures: capturesOf(entry.capture),
    think: entry.think === undefined ? null : thinkOf(ctx, entry.think, [...field, 'think']),
    weight: 1,
  };
}

/** The checks in the order the file gives them. */
function checksOf(ctx: StepContext, check: StepEntry['check'], field: FieldPath): Check[] {
  const checks: Check[] = [];
  for (const [kind, value] of Object.entries(check ?? {})) {
    if (kind === 'status') {
      checks.push({ type: 'status', statuses: Array.isArray(value) ? (value as number[]) : [value as number] });
    } else if (kind === 'body_contains') {
      checks.push({ type: 'body', contains: expand(ctx, value as string, [...field, kind]) });
    } else if (kind === 'json') {
      for (const [path, equals] of Object.entries(value as Record<string, string | number | boolean>)) {
        checks.push({ type: 'json', path, equals: expand(ctx, String(equals), [...field, kind, path]) });
      }
    } else if (kind === 'header') {
      for (const [name, equals] of Object.entries(value as Record<string, string | number | true>)) {
        const text = equals === true ? null : expand(ctx, String(equals), [...field, kind, name]);
        checks.push({ type: 'header', name, equals: text });
      }
    }
  }
  return checks;
}

function capturesOf(capture: StepEntry['capture']): Capture[] {
  return Object.entries(capture ?? {}).map(([name, source]): Capture => {
    if ('json' in source) return { name, from: 'json', expr: source.json };
    if ('header' in source) return { name, from: 'header', expr: source.header };
    return { name, from: 'regex', expr: source.regex };
  });
}

/** `1s`, `250` (ms are written out; a bare number is seconds) or `100ms..300ms`: uniform in the range. */
function thinkOf(ctx: StepContext, think: number | string, field: FieldPath): { minMs: number; maxMs: number } {
  if (typeof think === 'number') {
    const ms = Math.round(think * 1000);
    return { minMs: ms, maxMs: ms };
  }
  const [low = '', high] = think.split('..');
  const minMs = at(ctx, field, () => parseDuration(low));
  const maxMs = high === undefined ? minMs : at(ctx, field, () => parseDuration(high));
  if (minMs > maxMs) throw ctx.locate.error(field, `${think}: the shorter pause goes first`);
  return { minMs, maxMs };
}

/** Does any part of a request hold a template (after `$env` is filled in)? Then it is sent as a flow step. */
export const templated = (parts: Array<string | null | undefined>): boolean =>
  parts.some((p) => p !== null && p !== undefined && hasTemplate(p));
