import type { ErrorObject } from 'ajv';
import { type FieldPath, fieldName, type Locator } from './locate.js';

/** A schema error as the one line to show: `file:line:col: requests[1].weight: must be > 0`. */
export function schemaMessage(errors: ErrorObject[], locate: Locator): string {
  const error = pickError(errors);
  const path = pathOf(error.instancePath);
  const params = (error.params ?? {}) as Record<string, unknown>;
  // An unknown field is shown at its key; flow and requests both, at the second.
  const key =
    error.keyword === 'additionalProperties'
      ? String(params.additionalProperty)
      : error.keyword === 'not' && path.length === 0
        ? 'requests'
        : undefined;
  const offset = key === undefined ? locate.offset(path) : locate.keyOffset([...path, key]);
  return `${locate.at(offset)}: ${describe(error)}`;
}

/**
 * The error to show: one at the deepest place (the most specific field). Where a field may take several forms
 * (oneOf), each form's complaint ("must be number") says less than the summary does, so the summary wins.
 */
function pickError(errors: ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const deepest = [...errors].sort((a, b) => depth(b) - depth(a))[0] as ErrorObject;
  const summary = (keyword: string) =>
    errors.find((e) => e.keyword === keyword && e.instancePath === deepest.instancePath);
  return summary('oneOf') ?? summary('not') ?? summary('anyOf') ?? deepest;
}

/** `requests[1].weight: must be > 0`, `requests[0]: unknown field "wieght"`. */
function describe(error: ErrorObject): string {
  const field = fieldName(pathOf(error.instancePath)) || 'scenario';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${field}: unknown field ${JSON.stringify(params.additionalProperty)}`;
    case 'required':
      return `${field}: missing field ${JSON.stringify(params.missingProperty)}`;
    case 'enum':
      return `${field}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'not':
      if (error.instancePath === '') return `${field}: give flow or requests, not both`;
      if (error.instancePath === '/load') return `${field}: give requests or iterations, not both`;
      return `${field}: give path or url, body or bodyFile, not both`;
    case 'anyOf':
      return error.instancePath === ''
        ? `${field}: needs flow (steps in order) or requests (picked by weight)`
        : `${field}: is not valid`;
    case 'maxItems':
      return `${field}: at most ${params.limit} entries, got more`;
    case 'maxProperties':
      return `${field}: at most ${params.limit} entries, got more`;
    case 'minProperties':
      return `${field}: give at least ${params.limit}`;
    case 'oneOf':
    case 'pattern':
      return `${field}: ${formatHint(error.instancePath)}`;
    default:
      return `${field}: ${error.message ?? 'is not valid'}`;
  }
}

function formatHint(path: string): string {
  if (/\/(duration|timeout)$/.test(path)) return 'must be a duration like 500ms, 10s, 1m30s or a number of seconds';
  if (/\/think$/.test(path)) return 'must be a pause like 1s, 500ms or a range like 100ms..300ms';
  if (/\/target$/.test(path)) return 'must be a rate like 500/s or a whole number of connections';
  if (/\/rate$/.test(path)) return 'must be requests per second, like 500 or 2.5k';
  if (/\/url$/.test(path)) return 'must be an http:// or https:// URL';
  if (/\/path$/.test(path)) return 'must start with /';
  if (/\/method$/.test(path)) return 'must be an HTTP method';
  if (/\/status$/.test(path)) return 'must be a status code from 100 to 599, or a list of them';
  if (/\/capture\/[^/]+$/.test(path))
    return 'must be one of { json: $.path }, { header: name }, { regex: "id=(\\d+)" }';
  if (/\/check\/header\/[^/]+$/.test(path)) return 'must be the header value, or true for any value';
  if (/\/check\/json\/[^/]+$/.test(path)) return 'must be the value expected: text, a number or a boolean';
  if (/headers\/[^/]+$/.test(path)) return 'must be printable Latin-1 text: no CR, LF or control characters';
  if (/\/redact\/\d+$/.test(path)) return 'must be a header name';
  if (/^\/data\/[^/]+$/.test(path)) return 'must be { file: users.csv, order: unique | sequential | random }';
  if (/\/thresholds\/\d+$/.test(path)) return 'must be a threshold like p99<250ms, error_rate<0.01 or rps>1000';
  return 'is not valid';
}

/** `/requests/1/weight` → `['requests', 1, 'weight']`. */
function pathOf(instancePath: string): FieldPath {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replaceAll('~1', '/').replaceAll('~0', '~')));
}
