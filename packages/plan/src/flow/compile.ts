import { PlanError } from '../errors.js';
import type { Capture, Check, Flow, FlowStep } from './flow.js';
import { type JsonPath, parseJsonPath } from './json-path.js';
import { nonLinearFeature } from './linear-regex.js';
import { hasTemplate, parseTemplate, type Segment, type TemplateScope } from './template.js';

/** A check, compiled: its name in reports, and its parts ready to test. */
export type CompiledCheck =
  | { name: string; type: 'status'; statuses: readonly number[] }
  | { name: string; type: 'body'; contains: Segment[] }
  | { name: string; type: 'json'; path: JsonPath; equals: Segment[] }
  | { name: string; type: 'header'; header: string; equals: Segment[] | null };

export type CompiledCapture =
  | { slot: number; name: string; from: 'json'; path: JsonPath }
  | { slot: number; name: string; from: 'header'; header: string }
  | { slot: number; name: string; from: 'regex'; regex: RegExp };

/** A step ready to send: its templates as segments, its checks and captures parsed. */
export interface CompiledStep {
  step: FlowStep;
  path: Segment[];
  headers: Array<[string, Segment[]]>;
  body: Segment[] | null;
  /** No template in the path, headers or body: the request can be built once. */
  fixed: boolean;
  checks: CompiledCheck[];
  captures: CompiledCapture[];
  /** A check or capture reads the body, so it is kept (bounded) rather than only counted. */
  readsBody: boolean;
  /** A check or capture reads the response headers. */
  readsHeaders: boolean;
}

export interface CompiledFlow {
  flow: Flow;
  steps: CompiledStep[];
  /** Variables per virtual user: one slot per capture name. */
  slots: number;
}

/**
 * Compiles a flow once: every template into segments and every name checked (a data column, an earlier step's
 * capture, a built-in), every JSON path and regex parsed. Throws PlanError with the failing field's place in
 * the scenario file (`source` names the list the steps came from: `flow` or `requests`).
 */
export function compileFlow(flow: Flow, source = flow.pick === 'sequence' ? 'flow' : 'requests'): CompiledFlow {
  // A flow is compiled when it is checked, when its run's recorder is made and when its run begins: once each.
  const known = compiled.get(flow);
  if (known) return known;
  const result = compileOnce(flow, source);
  compiled.set(flow, result);
  return result;
}

/** Compiled flows by the flow object: a plan's flow is never changed once checked. */
const compiled = new WeakMap<Flow, CompiledFlow>();

function compileOnce(flow: Flow, source: string): CompiledFlow {
  const data = new Map(flow.data.map((d) => [d.name, d.columns] as const));
  // One slot per distinct capture name, numbered in order of first appearance.
  const slots = new Map<string, number>();
  for (const step of flow.steps) for (const c of step.captures) if (!slots.has(c.name)) slots.set(c.name, slots.size);
  const known = new Map<string, number>();
  const steps = flow.steps.map((step, i): CompiledStep => {
    const at = (...field: Array<string | number>) => [source, i, ...field];
    // Captures of earlier steps only; in a weighted pick no step follows another, so none.
    const scope: TemplateScope = { data, captures: new Map(known) };
    const compiled = compileStep(step, scope, slots, at);
    if (flow.pick === 'sequence') for (const c of compiled.captures) known.set(c.name, c.slot);
    return compiled;
  });
  return { flow, steps, slots: slots.size };
}

function compileStep(
  step: FlowStep,
  scope: TemplateScope,
  slots: ReadonlyMap<string, number>,
  at: (...f: Array<string | number>) => Array<string | number>,
): CompiledStep {
  const template = (text: string, ...field: Array<string | number>) =>
    located(() => parseTemplate(text, scope), at(...field));
  const path = template(step.path, 'path');
  const headers = step.headers.map(([name, value]): [string, Segment[]] => [name, template(value, 'headers', name)]);
  const body = step.body === null ? null : template(step.body, 'body');
  const fixed =
    !hasTemplate(step.path) && step.headers.every(([, v]) => !hasTemplate(v)) && !hasTemplate(step.body ?? '');
  const checks = step.checks.map((c) => compileCheck(c, template, at));
  const captures = step.captures.map((c) => compileCapture(c, slots.get(c.name) ?? 0, at));
  return {
    step,
    path,
    headers,
    body,
    fixed,
    checks,
    captures,
    readsBody: checks.some((c) => c.type === 'body' || c.type === 'json') || captures.some((c) => c.from !== 'header'),
    readsHeaders: checks.some((c) => c.type === 'header') || captures.some((c) => c.from === 'header'),
  };
}

type TemplateOf = (text: string, ...field: Array<string | number>) => Segment[];

function compileCheck(
  check: Check,
  template: TemplateOf,
  at: (...f: Array<string | number>) => Array<string | number>,
): CompiledCheck {
  switch (check.type) {
    case 'status':
      return { name: 'status', type: 'status', statuses: check.statuses };
    case 'body':
      return { name: 'body_contains', type: 'body', contains: template(check.contains, 'check', 'body_contains') };
    case 'json':
      return {
        name: `json ${check.path}`,
        type: 'json',
        path: located(() => parseJsonPath(check.path), at('check', 'json', check.path)),
        equals: template(check.equals, 'check', 'json', check.path),
      };
    case 'header':
      return {
        name: `header ${check.name.toLowerCase()}`,
        type: 'header',
        header: check.name.toLowerCase(),
        equals: check.equals === null ? null : template(check.equals, 'check', 'header', check.name),
      };
  }
}

function compileCapture(
  capture: Capture,
  slot: number,
  at: (...f: Array<string | number>) => Array<string | number>,
): CompiledCapture {
  const field = at('capture', capture.name);
  switch (capture.from) {
    case 'json':
      return { slot, name: capture.name, from: 'json', path: located(() => parseJsonPath(capture.expr), field) };
    case 'header':
      return { slot, name: capture.name, from: 'header', header: capture.expr.toLowerCase() };
    case 'regex':
      return {
        slot,
        name: capture.name,
        from: 'regex',
        regex: located(() => {
          const feature = nonLinearFeature(capture.expr);
          if (feature) {
            throw new PlanError(
              'INVALID_FLOW',
              `capture ${capture.name}: the regex has ${feature}, which could run for ever on a body; use groups and classes instead`,
            );
          }
          try {
            return new RegExp(capture.expr);
          } catch (err) {
            throw new PlanError(
              'INVALID_FLOW',
              `capture ${capture.name}: not a regular expression: ${(err as Error).message}`,
            );
          }
        }, field),
      };
  }
}

/** Runs `parse`, giving a PlanError it throws the field's place if it has none. */
export function located<T>(parse: () => T, field: Array<string | number>): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof PlanError && err.field === undefined) err.field = field;
    throw err;
  }
}
