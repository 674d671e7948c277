import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Endpoint, type PlanFragment, parseDuration, parseRate, parseStageParts, stagesOf } from '@volley/plan';
import type { ErrorObject } from 'ajv';
import type { Document, Node as YamlNode } from 'yaml';
import { MiB, readBounded } from './bounded-read.js';
import { UsageError } from './errors.js';

const SCHEMA = new URL('../schema/scenario.schema.json', import.meta.url);
// Limits on what a scenario may make this process hold: the file, each body file, all bodies together. The
// number of requests is bounded by the schema (maxItems), aliases by the YAML parser (a billion laughs).
const MAX_FILE_BYTES = 16 * MiB;
const MAX_BODY_FILE_BYTES = 64 * MiB;
const MAX_BODIES_BYTES = 256 * MiB;
const MAX_ALIASES = 100;

/** A scenario's named request before its URL is known (a command-line URL may still replace the file's). */
export interface ScenarioRequest {
  name: string;
  method: string;
  path?: string;
  url?: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  weight: number;
  /** `file:line:col` of the request, for errors found later. */
  where: string;
}

/** A scenario file, validated: its part of the plan (the load, and headers for every request), and the requests. */
export interface Scenario {
  url?: string;
  load: PlanFragment;
  requests: ScenarioRequest[];
  /** Pass/fail criteria, as --threshold takes them. */
  thresholds: string[];
}

/** The file as the schema describes it. */
interface ScenarioFile {
  url?: string;
  thresholds?: string[];
  headers?: Record<string, string | number | boolean>;
  redact?: string[];
  requests: Array<{
    name: string;
    method?: string;
    path?: string;
    url?: string;
    headers?: Record<string, string | number | boolean>;
    body?: string;
    bodyFile?: string;
    weight?: number;
  }>;
  load?: {
    model?: 'closed' | 'open';
    connections?: number;
    rate?: number | string;
    stages?: Array<{ duration: number | string; target: number | string }>;
    duration?: number | string;
    requests?: number;
    client?: string;
    timeout?: number | string;
    pipelining?: number;
    http2?: boolean;
    insecure?: boolean;
  };
}

/**
 * Reads and validates a scenario file (YAML, or JSON, which is YAML). Every problem is one UsageError that
 * names the file, line, column and field: `scenario.yaml:7:13: requests[1].weight: must be > 0`.
 */
export async function loadScenario(file: string): Promise<Scenario> {
  const text = (await readBounded(file, MAX_FILE_BYTES, `cannot read scenario ${file}`)).toString('utf8');
  // Loaded only for scenarios, so plain runs start without them.
  const { LineCounter, parseDocument } = await import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const syntax = doc.errors[0];
  if (syntax) throw new UsageError(`${at(syntax.pos[0])}: ${syntax.message.split('\n')[0]}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // The parser's guard against exponential alias expansion (and any other failure to build the data).
    throw new UsageError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }

  const validate = await validator();
  if (!validate(data)) {
    const error = pickError(validate.errors ?? []);
    throw new UsageError(`${at(offsetOf(doc, error))}: ${describe(error)}`);
  }
  const scenario = data as ScenarioFile;
  const base = dirname(resolve(file));
  const requests: ScenarioRequest[] = [];
  const names = new Set<string>();
  let bodies = 0;
  for (const [i, r] of scenario.requests.entries()) {
    const where = at(offsetOf(doc, { instancePath: `/requests/${i}` }));
    if (names.has(r.name)) {
      const nameAt = at(offsetOf(doc, { instancePath: `/requests/${i}/name` }));
      throw new UsageError(`${nameAt}: requests[${i}].name: ${JSON.stringify(r.name)} is used twice`);
    }
    names.add(r.name);
    let body: Uint8Array | null = r.body !== undefined ? Buffer.from(r.body) : null;
    if (r.bodyFile !== undefined) {
      const path = resolve(base, r.bodyFile);
      body = await readBounded(path, MAX_BODY_FILE_BYTES, `${where}: requests[${i}].bodyFile: cannot read ${path}`);
    }
    bodies += body?.byteLength ?? 0;
    if (bodies > MAX_BODIES_BYTES) {
      throw new UsageError(`${where}: the bodies of the scenario's requests are over ${MAX_BODIES_BYTES / MiB} MiB`);
    }
    requests.push({
      name: r.name,
      method: r.method ?? 'GET',
      ...(r.path !== undefined ? { path: r.path } : {}),
      ...(r.url !== undefined ? { url: r.url } : {}),
      ...(r.path === undefined && r.url === undefined ? { path: '/' } : {}),
      headers: headerPairs(r.headers),
      body,
      weight: r.weight ?? 1,
      where,
    });
  }
  return {
    ...(scenario.url !== undefined ? { url: scenario.url } : {}),
    load: {
      ...loadInput(scenario.load ?? {}),
      headers: headerPairs(scenario.headers),
      ...(scenario.redact ? { redact: scenario.redact } : {}),
    },
    requests,
    thresholds: scenario.thresholds ?? [],
  };
}

/** The requests on `origin`, the run's; a request elsewhere is refused (connections are made to one origin). */
export function endpointsOn(scenario: Scenario, url: string): Endpoint[] {
  const { origin } = new URL(url);
  return scenario.requests.map((r, i) => {
    let path = r.path ?? '/';
    if (r.url !== undefined) {
      const u = new URL(r.url);
      if (u.origin !== origin) {
        throw new UsageError(
          `${r.where}: requests[${i}].url ${r.url} is not on ${origin}: a scenario targets one origin`,
        );
      }
      path = `${u.pathname}${u.search}`;
    }
    return { name: r.name, method: r.method, path, headers: r.headers, body: r.body, weight: r.weight };
  });
}

/** The file's load as a part of the plan, read with the same parsers as the flags. */
function loadInput(load: NonNullable<ScenarioFile['load']>): PlanFragment {
  const input: PlanFragment = {};
  if (load.model !== undefined) input.model = load.model;
  if (load.connections !== undefined) input.connections = load.connections;
  if (load.rate !== undefined) {
    input.rate = typeof load.rate === 'number' ? load.rate : parseRate(load.rate, 'load.rate');
    input.model = 'open';
  }
  if (load.stages !== undefined) {
    const { model, stages } = stagesOf(load.stages.map((s) => parseStageParts(s.duration, s.target)));
    input.stages = stages;
    input.model = model;
  }
  if (load.duration !== undefined) input.durationMs = milliseconds(load.duration);
  if (load.requests !== undefined) input.requests = load.requests;
  if (load.client !== undefined) input.client = load.client as PlanFragment['client'];
  if (load.timeout !== undefined) input.timeoutMs = milliseconds(load.timeout);
  if (load.pipelining !== undefined) input.pipelining = load.pipelining;
  if (load.http2 !== undefined) input.http2 = load.http2;
  if (load.insecure !== undefined) input.insecure = load.insecure;
  if (load.model === 'open' && load.rate === undefined && load.stages === undefined) {
    throw new UsageError('scenario: load.model open needs load.rate or rate stages');
  }
  return input;
}

/** A duration as the file writes it: numbers are seconds. */
const milliseconds = (d: number | string): number => (typeof d === 'number' ? Math.round(d * 1000) : parseDuration(d));

function headerPairs(headers: Record<string, string | number | boolean> | undefined): Array<[string, string]> {
  return Object.entries(headers ?? {}).map(([name, value]) => [name, String(value)]);
}

type Validate = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
let compiled: Validate | undefined;

async function validator(): Promise<Validate> {
  if (compiled) return compiled;
  const { Ajv } = await import('ajv');
  const schema = JSON.parse(await readFile(SCHEMA, 'utf8')) as object;
  compiled = new Ajv({ allErrors: true, strict: false }).compile(schema) as Validate;
  return compiled;
}

/**
 * The error to show: one at the deepest place (the most specific field). Where a field may take several forms
 * (oneOf), each form's complaint ("must be number") says less than the summary does, so the summary wins.
 */
function pickError(errors: ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) => e.instancePath.split('/').length;
  const deepest = [...errors].sort((a, b) => depth(b) - depth(a))[0] as ErrorObject;
  return errors.find((e) => e.keyword === 'oneOf' && e.instancePath === deepest.instancePath) ?? deepest;
}

/** `requests[1].weight: must be > 0`, `requests[0]: unknown field "wieght"`. */
function describe(error: ErrorObject): string {
  const field = fieldName(error.instancePath) || 'scenario';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${field}: unknown field ${JSON.stringify(params.additionalProperty)}`;
    case 'required':
      return `${field}: missing field ${JSON.stringify(params.missingProperty)}`;
    case 'enum':
      return `${field}: must be one of ${(params.allowedValues as unknown[]).join(', ')}`;
    case 'not':
      return `${field}: give path or url, body or bodyFile, not both`;
    case 'maxItems':
      return `${field}: at most ${params.limit} entries, got more`;
    case 'oneOf':
    case 'pattern':
      return `${field}: ${formatHint(error.instancePath)}`;
    default:
      return `${field}: ${error.message ?? 'is not valid'}`;
  }
}

function formatHint(path: string): string {
  if (/\/(duration|timeout)$/.test(path)) return 'must be a duration like 500ms, 10s, 1m30s or a number of seconds';
  if (/\/target$/.test(path)) return 'must be a rate like 500/s or a whole number of connections';
  if (/\/rate$/.test(path)) return 'must be requests per second, like 500 or 2.5k';
  if (/\/url$/.test(path)) return 'must be an http:// or https:// URL';
  if (/\/path$/.test(path)) return 'must start with /';
  if (/\/method$/.test(path)) return 'must be an HTTP method';
  if (/headers\/[^/]+$/.test(path)) return 'must be printable Latin-1 text: no CR, LF or control characters';
  if (/\/redact\/\d+$/.test(path)) return 'must be a header name';
  if (/\/thresholds\/\d+$/.test(path)) return 'must be a threshold like p99<250ms, error_rate<0.01 or rps>1000';
  return 'is not valid';
}

/** `/requests/1/weight` → `requests[1].weight`. */
function fieldName(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((name, part) => (/^\d+$/.test(part) ? `${name}[${part}]` : name ? `${name}.${part}` : part), '');
}

/** Where in the text the error points: the field itself, or for an unknown field its key. */
function offsetOf(doc: Document, error: Pick<ErrorObject, 'instancePath'> & Partial<ErrorObject>): number {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replaceAll('~1', '/').replaceAll('~0', '~')));
  const node = (path.length === 0 ? doc.contents : doc.getIn(path, true)) as YamlNode | null | undefined;
  const params = (error.params ?? {}) as Record<string, unknown>;
  if (error.keyword === 'additionalProperties' && node && 'items' in node) {
    const pair = (node.items as Array<{ key: YamlNode & { value?: unknown } }>).find(
      (p) => p.key?.value === params.additionalProperty,
    );
    if (pair?.key?.range) return pair.key.range[0];
  }
  return node?.range?.[0] ?? 0;
}
