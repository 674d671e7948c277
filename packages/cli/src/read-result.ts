import { decodeHistogramBase64, RESULT_SCHEMA, type Result } from '@volley/metrics';
import { redactHeaders, SECRET_HEADERS } from '@volley/plan';
import { MiB, readBounded } from './bounded-read.js';
import { UsageError } from './errors.js';

// A result of an hour at one interval a second is a few MiB; far beyond that, it was not written by a run.
const MAX_RESULT_BYTES = 256 * MiB;

/**
 * A saved result document, or a one-line error. The file is input like any other: every field a report or a diff
 * reads is checked here (numbers are numbers, histograms decode), so a crafted or damaged file is refused in one
 * line rather than failing half-way through a rendering.
 */
export async function readResult(path: string): Promise<Result> {
  const text = (await readBounded(path, MAX_RESULT_BYTES)).toString('utf8');
  let doc: Partial<Result>;
  try {
    doc = JSON.parse(text) as Partial<Result>;
  } catch {
    throw new UsageError(`${path} is not JSON`);
  }
  if (isObject(doc) && doc.tool?.name === 'volley' && typeof doc.schema === 'number' && doc.schema > RESULT_SCHEMA) {
    throw new UsageError(
      `${path} was written by a newer volley (${String(doc.tool.version)}, result schema ${doc.schema}; ` +
        `this volley reads schema ${RESULT_SCHEMA}): upgrade volley to read it`,
    );
  }
  if (!isObject(doc) || doc.tool?.name !== 'volley' || doc.schema !== RESULT_SCHEMA || !Array.isArray(doc.intervals)) {
    throw new UsageError(`${path} is not a volley result (write one with volley run -o FILE)`);
  }
  const problem = resultProblem(doc, '');
  if (problem) throw new UsageError(`${path} is not a valid volley result: ${problem}`);
  // A file written before volley masked secrets may still hold them: no report made from it shows them.
  const plan = doc.plan as { headers?: Headers; endpoints?: Array<{ headers?: Headers }> };
  if (plan.headers) plan.headers = redactHeaders(plan.headers, SECRET_HEADERS);
  for (const e of plan.endpoints ?? []) if (e.headers) e.headers = redactHeaders(e.headers, SECRET_HEADERS);
  return doc as Result;
}

type Headers = Array<[string, string]>;

type Check = (value: unknown, field: string) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const number: Check = (v, f) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${f} must be a number`);
const string: Check = (v, f) => (typeof v === 'string' ? undefined : `${f} must be a string`);
const boolean: Check = (v, f) => (typeof v === 'boolean' ? undefined : `${f} must be true or false`);
const histogram: Check = (v, f) => {
  if (typeof v !== 'string') return `${f} must be a string`;
  try {
    decodeHistogramBase64(v);
    return undefined;
  } catch {
    return `${f} is not an HdrHistogram`;
  }
};
const optional =
  (check: Check): Check =>
  (v, f) =>
    v === undefined || v === null ? undefined : check(v, f);
const counts: Check = (v, f) => {
  if (!isObject(v)) return `${f} must be an object`;
  for (const [key, n] of Object.entries(v)) {
    const bad = number(n, `${f}.${key}`);
    if (bad) return bad;
  }
  return undefined;
};
const shape =
  (fields: Record<string, Check>): Check =>
  (v, f) => {
    if (!isObject(v)) return `${f} must be an object`;
    for (const [key, check] of Object.entries(fields)) {
      const bad = check(v[key], f ? `${f}.${key}` : key);
      if (bad) return bad;
    }
    return undefined;
  };
const list =
  (item: Check): Check =>
  (v, f) => {
    if (!Array.isArray(v)) return `${f} must be a list`;
    for (const [i, x] of v.entries()) {
      const bad = item(x, `${f}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  };

const LATENCY_FIGURES = ['count', 'min', 'mean', 'stdev', 'max', 'p50', 'p75', 'p90', 'p99', 'p99_9', 'p99_99'];
const latency = shape({ ...Object.fromEntries(LATENCY_FIGURES.map((k) => [k, number])), histogram });
const headers = optional(
  list((v, f) => (Array.isArray(v) && v.length === 2 ? list(string)(v, f) : `${f} must be [name, value]`)),
);
const requests = shape({ total: number, ok: number, errors: number, byStatus: counts, byError: counts });

const resultProblem = shape({
  tool: shape({ version: string }),
  plan: shape({
    url: (v, f) => string(v, f) ?? (URL.canParse(v as string) ? undefined : `${f} must be a URL`),
    headers,
    endpoints: optional(list(shape({ headers }))),
  }),
  startedAt: string,
  endedAt: string,
  durationMs: number,
  aborted: optional(boolean),
  requests,
  throughput: shape({ target: optional(number), achieved: number, late: optional(number), dropped: optional(number) }),
  latency,
  serviceTime: optional(latency),
  bytes: shape({ sent: number, received: number }),
  agents: list(
    shape({
      name: string,
      host: string,
      requests: number,
      errors: number,
      lost: boolean,
      latency: shape({ count: number, p50: number, p90: number, p99: number, max: number, histogram }),
    }),
  ),
  endpoints: optional(list(shape({ name: string, weight: number, requests, latency }))),
  intervals: list(
    shape({
      t: number,
      durationMs: number,
      requests: number,
      errors: number,
      rps: number,
      p50: number,
      p90: number,
      p99: number,
      max: number,
      histogram,
      late: optional(number),
    }),
  ),
  thresholds: optional(list(shape({ expr: string, actual: number, pass: boolean }))),
});
