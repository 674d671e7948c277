import type { Recorder } from '@volley/metrics';
import { type CompiledStep, readJsonPath } from '@volley/plan';
import { type RenderContext, render } from './render.js';

/** What a step's checks and captures see of a response; status 0 when none came. */
export interface Response {
  status: number;
  /** The headers a check, capture or the cookie jar asked for: lowercase name, value. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** The body (bounded), when a check or capture reads it. */
  body: string;
}

/** The names a step's tallies are recorded under: its checks in order, then one per capture. */
export function talliesOf(step: CompiledStep): string[] {
  return [...step.checks.map((c) => c.name), ...step.captures.map((c) => `capture ${c.name}`)];
}

const NOT_JSON = Symbol('not json');

/**
 * Runs a step's checks and captures on its response and records each as passed or failed (step `index`).
 * Captured values go into `vars`. Returns false when a capture found nothing: the iteration ends there.
 */
export function judge(
  step: CompiledStep,
  index: number,
  response: Response,
  ctx: RenderContext,
  vars: string[],
  recorder: Recorder,
): boolean {
  let json: unknown = NOT_JSON;
  const parsed = (): unknown => {
    if (json === NOT_JSON) {
      try {
        json = JSON.parse(response.body);
      } catch {
        json = undefined;
      }
    }
    return json;
  };
  const header = (name: string): string | undefined => {
    for (const [n, v] of response.headers) if (n === name) return v;
    return undefined;
  };
  let k = 0;
  for (const check of step.checks) {
    let pass: boolean;
    switch (check.type) {
      case 'status':
        pass = check.statuses.includes(response.status);
        if (pass && (response.status < 200 || response.status >= 400)) recorder.recordExpected(index);
        break;
      case 'body':
        pass = response.status > 0 && response.body.includes(render(check.contains, ctx));
        break;
      case 'json':
        pass = response.status > 0 && sameValue(readJsonPath(parsed(), check.path), render(check.equals, ctx));
        break;
      case 'header': {
        const value = header(check.header);
        pass = value !== undefined && (check.equals === null || value === render(check.equals, ctx));
        break;
      }
    }
    recorder.recordCheck(index, k++, pass);
  }
  let captured = true;
  for (const capture of step.captures) {
    let value: string | undefined;
    if (response.status > 0) {
      if (capture.from === 'header') value = header(capture.header);
      else if (capture.from === 'json') value = asText(readJsonPath(parsed(), capture.path));
      else {
        const m = capture.regex.exec(response.body);
        value = m ? (m[1] ?? m[0]) : undefined;
      }
    }
    recorder.recordCheck(index, k++, value !== undefined);
    if (value === undefined) captured = false;
    else vars[capture.slot] = value;
  }
  return captured;
}

/** A JSON value as a template compares it: strings as they are, anything else as its JSON text. */
function asText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const sameValue = (value: unknown, want: string): boolean => asText(value) === want;
