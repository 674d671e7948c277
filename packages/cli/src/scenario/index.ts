import { dirname, resolve } from 'node:path';
import type { Endpoint, Flow, PlanFragment } from '@volley/plan';
import { parseThreshold, ThresholdError } from '@volley/report';
import { MiB, readBounded } from '../bounded-read.js';
import { UsageError } from '../errors.js';
import { readScenarioSchema } from '../scenario-schema.js';
import { readDataSets } from './data.js';
import type { LoadEntry, ScenarioFile } from './file.js';
import { loadInput } from './load-input.js';
import { type FieldPath, fieldName, Locator } from './locate.js';
import { schemaMessage } from './schema-errors.js';
import { expand, headerPairs, type ScenarioStep, type StepContext, stepOf, target, templated } from './steps.js';

export { loadField } from './load-input.js';
export type { FieldPath, Locator } from './locate.js';

// Limits on what a scenario may make this process hold: the file, each body file, all bodies together. The
// number of requests is bounded by the schema (maxItems), aliases by the YAML parser (a billion laughs), data
// sets by the plan's MAX_DATA_BYTES.
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

/** A journey before its URL is known: steps whose origin is null go to the run's. */
export interface ScenarioFlow extends Omit<Flow, 'steps'> {
  steps: ScenarioStep[];
}

/** A scenario file, validated: its part of the plan (the load, headers for every request), requests or a flow. */
export interface Scenario {
  url?: string;
  load: PlanFragment;
  /** Fixed requests picked by weight (today's endpoints); empty when the scenario is a flow. */
  requests: ScenarioRequest[];
  /** `flow:`, or `requests:` with data or templates (picked by weight); null otherwise. */
  flow: ScenarioFlow | null;
  /** Pass/fail criteria, as --threshold takes them. */
  thresholds: string[];
  /** The file's `load:` as written, to place the plan's load mistakes in it. */
  loadEntry: LoadEntry;
  /** Places in the file, for mistakes found later (a PlanError's `field`). */
  locate: Locator;
}

/**
 * Reads and validates a scenario file (YAML, or JSON, which is YAML), its body files and data files. Every
 * problem is one UsageError that names the file, line, column and field: `scenario.yaml:7:13: requests[1].weight:
 * must be > 0`. `{{ $env.NAME }}` is filled in from `env` here, where the run starts.
 */
export async function loadScenario(
  file: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Scenario> {
  const text = (await readBounded(file, MAX_FILE_BYTES, `cannot read scenario ${file}`)).toString('utf8');
  // Loaded only for scenarios, so plain runs start without them.
  const { LineCounter, parseDocument } = await import('yaml');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const locate = new Locator(file, doc, lines);
  const syntax = doc.errors[0];
  if (syntax) throw new UsageError(`${locate.at(syntax.pos[0])}: ${syntax.message.split('\n')[0]}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    // The parser's guard against exponential alias expansion (and any other failure to build the data).
    throw new UsageError(`${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const validate = await validator();
  if (!validate(data)) throw new UsageError(schemaMessage(validate.errors ?? [], locate));

  const scenario = data as ScenarioFile;
  const base = dirname(resolve(file));
  const ctx: StepContext = { locate, env, origin: scenario.url !== undefined ? new URL(scenario.url).origin : null };
  const headers = headerPairs(ctx, scenario.headers, ['headers']);
  for (const [name, value] of headers) {
    if (templated([value]))
      throw locate.error(['headers', name], "templates go in a step's own headers (only $env is read here)");
  }
  const bodies = new Bodies(base, locate);
  const dataSets = scenario.data ? await readDataSets(scenario.data, base, locate) : [];
  let requests: ScenarioRequest[] = [];
  let steps: ScenarioStep[] | null = null;
  if (scenario.flow) {
    steps = [];
    for (const [i, entry] of scenario.flow.entries()) {
      const body = entry.body ?? (await bodies.text(entry.bodyFile, ['flow', i, 'bodyFile']));
      steps.push(stepOf(ctx, entry, i, body));
    }
  } else {
    requests = await readRequests(scenario, ctx, bodies);
    const texts = requests.flatMap((r) => [r.path, r.url, ...r.headers.map(([, v]) => v)]);
    const bodyText = (r: ScenarioRequest) => (r.body ? Buffer.from(r.body).toString('utf8') : null);
    if (dataSets.length > 0 || templated(texts) || requests.some((r) => templated([bodyText(r)]))) {
      steps = requests.map((r, i) => weightedStep(ctx, r, i, bodies));
      requests = [];
    }
  }
  if (!steps && scenario.data)
    throw locate.error(['data'], 'data is read by the steps of a flow: give flow: or requests:');
  if (!steps && scenario.cookies !== undefined) {
    throw locate.error(
      ['cookies'],
      'cookies are kept per virtual user of a flow (flow:, or requests: with data or templates)',
    );
  }
  const flow: ScenarioFlow | null = steps && {
    pick: scenario.flow ? 'sequence' : 'weighted',
    steps,
    data: dataSets,
    cookies: scenario.cookies ?? true,
    seqStart: 0,
    seqStride: 1,
    vuStart: 1,
  };
  const loadEntry = scenario.load ?? {};
  return {
    ...(scenario.url !== undefined ? { url: scenario.url } : {}),
    load: {
      ...loadInput(loadEntry, locate, flow !== null),
      headers,
      ...(scenario.redact ? { redact: scenario.redact } : {}),
    },
    requests,
    flow,
    thresholds: checkedThresholds(scenario.thresholds ?? [], locate),
    loadEntry,
    locate,
  };
}

async function readRequests(scenario: ScenarioFile, ctx: StepContext, bodies: Bodies): Promise<ScenarioRequest[]> {
  const requests: ScenarioRequest[] = [];
  const names = new Set<string>();
  for (const [i, r] of (scenario.requests ?? []).entries()) {
    const field: FieldPath = ['requests', i];
    if (names.has(r.name)) throw ctx.locate.error([...field, 'name'], `${JSON.stringify(r.name)} is used twice`);
    names.add(r.name);
    const body =
      r.body !== undefined
        ? Buffer.from(expand(ctx, r.body, [...field, 'body']))
        : await bodies.bytes(r.bodyFile, [...field, 'bodyFile']);
    const url = r.url !== undefined ? expand(ctx, r.url, [...field, 'url']) : undefined;
    const path = r.path !== undefined ? expand(ctx, r.path, [...field, 'path']) : url === undefined ? '/' : undefined;
    requests.push({
      name: r.name,
      method: r.method ?? 'GET',
      ...(path !== undefined ? { path } : {}),
      ...(url !== undefined ? { url } : {}),
      headers: headerPairs(ctx, r.headers, [...field, 'headers']),
      body,
      weight: r.weight ?? 1,
      where: ctx.locate.where(field),
    });
  }
  return requests;
}

/** A request of `requests:` as a step of a weighted flow: its body is text (a template). */
function weightedStep(ctx: StepContext, r: ScenarioRequest, i: number, bodies: Bodies): ScenarioStep {
  const field: FieldPath = ['requests', i];
  return {
    name: r.name,
    method: r.method.toUpperCase(),
    // $env was filled in already, and holds no template after.
    ...target(
      { ...ctx, env: {} },
      { ...(r.path !== undefined ? { path: r.path } : {}), ...(r.url !== undefined ? { url: r.url } : {}) },
      field,
    ),
    headers: r.headers,
    body: r.body === null ? null : bodies.decode(r.body, [...field, 'bodyFile']),
    checks: [],
    captures: [],
    think: null,
    weight: r.weight,
  };
}

/** Body files, each bounded, and all bodies together. */
class Bodies {
  private total = 0;
  constructor(
    private readonly base: string,
    private readonly locate: Locator,
  ) {}

  async bytes(file: string | undefined, field: FieldPath): Promise<Buffer | null> {
    if (file === undefined) return null;
    const path = resolve(this.base, file);
    const where = this.locate.where(field.slice(0, -1));
    const body = await readBounded(path, MAX_BODY_FILE_BYTES, `${where}: ${fieldName(field)}: cannot read ${path}`);
    this.total += body.byteLength;
    if (this.total > MAX_BODIES_BYTES) {
      throw new UsageError(`${where}: the bodies of the scenario's requests are over ${MAX_BODIES_BYTES / MiB} MiB`);
    }
    return body;
  }

  async text(file: string | undefined, field: FieldPath): Promise<string | null> {
    const body = await this.bytes(file, field);
    return body === null ? null : this.decode(body, field);
  }

  decode(body: Uint8Array, field: FieldPath): string {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(body);
    } catch {
      throw this.locate.error(field, 'the body of a step is text: not UTF-8');
    }
  }
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

/**
 * The flow with every step on an origin: its own, or the run's (`url`, the command line's or the file's). The
 * headers for every request (the file's `headers:`, then `-H`) go first on each step, before its own: a step
 * carries all it sends.
 */
export function flowOn(flow: ScenarioFlow, url: string, headers: ReadonlyArray<[string, string]> = []): Flow {
  const { origin } = new URL(url);
  return {
    ...flow,
    steps: flow.steps.map((s) => ({ ...s, origin: s.origin ?? origin, headers: [...headers, ...s.headers] })),
  };
}

type Validate = ((data: unknown) => boolean) & { errors?: import('ajv').ErrorObject[] | null };
let compiled: Validate | undefined;

async function validator(): Promise<Validate> {
  if (compiled) return compiled;
  const { Ajv } = await import('ajv');
  const schema = JSON.parse(await readScenarioSchema()) as object;
  compiled = new Ajv({ allErrors: true, strict: false }).compile(schema) as Validate;
  return compiled;
}

/** Each threshold parsed where it is written, so a mistake is reported at its line (as --threshold's would be). */
function checkedThresholds(thresholds: string[], locate: Locator): string[] {
  thresholds.forEach((text, i) => {
    try {
      parseThreshold(text);
    } catch (err) {
      if (err instanceof ThresholdError) throw locate.error(['thresholds', i], err.message);
      throw err;
    }
  });
  return thresholds;
}
