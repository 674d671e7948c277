import { PlanError } from '../errors.js';

/** One piece of a compiled template: text as it is, or a value filled in at each send. */
export type Segment =
  | { kind: 'text'; text: string }
  /** A data set's column: `{{ users.name }}`. */
  | { kind: 'data'; set: number; column: number }
  /** A capture of an earlier step: `{{ token }}`; `slot` indexes the virtual user's variables. */
  | { kind: 'var'; slot: number }
  | { kind: 'uuid' }
  | { kind: 'seq' }
  | { kind: 'vu' }
  | { kind: 'iteration' }
  | { kind: 'randomInt'; min: number; max: number };

/** The names a template may use at its place in the flow. */
export interface TemplateScope {
  /** Data set name → its columns. */
  data: ReadonlyMap<string, readonly string[]>;
  /** Capture name → slot, for the captures of earlier steps. */
  captures: ReadonlyMap<string, number>;
}

const OPEN = '{{';
const CLOSE = '}}';
const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Does the text hold a template at all? A step whose parts hold none keeps a prebuilt request. */
export const hasTemplate = (text: string): boolean => text.includes(OPEN);

/**
 * Compiles a template once into segments. Every name is checked here: an unknown one is a PlanError naming it,
 * so a mistake is found before any load is sent, and on the agent before it runs a plan it cannot render.
 */
export function parseTemplate(text: string, scope: TemplateScope): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf(OPEN, at);
    if (open < 0) break;
    if (open > at) segments.push({ kind: 'text', text: text.slice(at, open) });
    const close = text.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) throw new PlanError('INVALID_TEMPLATE', `${clip(text.slice(open))}: "{{" without its "}}"`);
    segments.push(expression(text.slice(open + OPEN.length, close).trim(), scope));
    at = close + CLOSE.length;
  }
  if (at < text.length) segments.push({ kind: 'text', text: text.slice(at) });
  return segments;
}

function expression(expr: string, scope: TemplateScope): Segment {
  const shown = `{{ ${expr} }}`;
  if (expr.startsWith('$')) {
    const [fn = '', ...args] = expr.split(/\s+/);
    if (fn.startsWith('$env.')) {
      throw new PlanError('INVALID_TEMPLATE', `${shown}: $env is read where the run starts, and was not filled in`);
    }
    const noArgs = (segment: Segment): Segment => {
      if (args.length > 0) throw new PlanError('INVALID_TEMPLATE', `${shown}: ${fn} takes no arguments`);
      return segment;
    };
    switch (fn) {
      case '$uuid':
        return noArgs({ kind: 'uuid' });
      case '$seq':
        return noArgs({ kind: 'seq' });
      case '$vu':
        return noArgs({ kind: 'vu' });
      case '$iteration':
        return noArgs({ kind: 'iteration' });
      case '$randomInt': {
        const [min, max] = args.map(Number);
        if (
          args.length !== 2 ||
          !Number.isSafeInteger(min) ||
          !Number.isSafeInteger(max) ||
          (min as number) > (max as number)
        ) {
          throw new PlanError('INVALID_TEMPLATE', `${shown}: $randomInt takes two whole numbers, the lower first`);
        }
        return { kind: 'randomInt', min: min as number, max: max as number };
      }
      default:
        throw new PlanError(
          'INVALID_TEMPLATE',
          `${shown}: unknown function ${fn} (there are $uuid, $randomInt A B, $seq, $vu, $iteration, $env.NAME)`,
        );
    }
  }
  const dot = expr.indexOf('.');
  if (dot > 0) {
    const set = expr.slice(0, dot);
    const column = expr.slice(dot + 1);
    const columns = scope.data.get(set);
    if (!columns) throw new PlanError('INVALID_TEMPLATE', `${shown}: no data set named ${JSON.stringify(set)}`);
    const index = columns.indexOf(column);
    if (index < 0) {
      throw new PlanError(
        'INVALID_TEMPLATE',
        `${shown}: data set ${set} has no column ${JSON.stringify(column)} (it has ${columns.join(', ')})`,
      );
    }
    return { kind: 'data', set: [...scope.data.keys()].indexOf(set), column: index };
  }
  if (!NAME.test(expr)) throw new PlanError('INVALID_TEMPLATE', `${shown}: not a name, a data column or a $function`);
  const slot = scope.captures.get(expr);
  if (slot === undefined) {
    throw new PlanError(
      'INVALID_TEMPLATE',
      `${shown}: unknown name ${JSON.stringify(expr)}: no earlier step captures it`,
    );
  }
  return { kind: 'var', slot };
}

/**
 * Fills in `{{ $env.NAME }}` from `env`: done where the run starts (the controller), so agents never read their
 * own environment. An unset name is an error.
 */
export function expandEnv(text: string, env: Readonly<Record<string, string | undefined>>): string {
  return text.replace(/\{\{\s*\$env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) throw new PlanError('INVALID_TEMPLATE', `{{ $env.${name} }}: ${name} is not set`);
    return value;
  });
}

const clip = (text: string): string => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
