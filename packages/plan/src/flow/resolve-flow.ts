import { PlanError } from '../errors.js';
import { checkHeaders, sendablePath } from '../headers.js';
import { shares } from '../shares.js';
import { compileFlow } from './compile.js';
import {
  DATA_ORDERS,
  type DataSet,
  type Flow,
  type FlowStep,
  MAX_CAPTURES,
  MAX_CHECKS,
  MAX_DATA_BYTES,
  MAX_DATA_SETS,
  MAX_STEPS,
  MAX_THINK_MS,
} from './flow.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const METHOD = /^[A-Z][A-Z-]*$/;

/**
 * Checks a flow whole (on the controller from the scenario, on the agent from the wire): bounds, names, data
 * shapes, and every template compiled, so a plan that validates can be run. Throws PlanError with the field.
 */
export function checkFlow(flow: Flow): Flow {
  const source = flow.pick === 'sequence' ? 'flow' : 'requests';
  const fail = (message: string, ...field: Array<string | number>): never => {
    throw new PlanError('INVALID_FLOW', message, field.length > 0 ? field : undefined);
  };
  if (flow.pick !== 'sequence' && flow.pick !== 'weighted')
    fail(`a flow is taken in sequence or by weight, got ${String(flow.pick)}`);
  if (flow.steps.length === 0 || flow.steps.length > MAX_STEPS)
    fail(`a flow has 1 to ${MAX_STEPS} steps, got ${flow.steps.length}`, source);
  for (const n of [flow.seqStart, flow.seqStride, flow.vuStart]) {
    if (!Number.isSafeInteger(n) || n < 0) fail(`a flow's numbering must be whole numbers of 0 or more, got ${n}`);
  }
  if (flow.seqStride < 1 || flow.vuStart < 1) fail('a flow numbers $seq with a stride and $vu from 1');
  checkData(flow.data);
  const names = new Set<string>();
  flow.steps.forEach((step, i) => {
    checkStep(step, i, source, fail);
    if (names.has(step.name)) fail(`two steps are named ${JSON.stringify(step.name)}`, source, i, 'name');
    names.add(step.name);
  });
  compileFlow(flow, source);
  return flow;
}

function checkStep(
  step: FlowStep,
  i: number,
  source: string,
  fail: (message: string, ...field: Array<string | number>) => never,
): void {
  const label = `step ${JSON.stringify(step.name)}`;
  if (!step.name) fail('every step needs a name', source, i);
  if (!METHOD.test(step.method)) fail(`${label}: not an HTTP method: ${step.method}`, source, i, 'method');
  let origin: URL | undefined;
  try {
    origin = new URL(step.origin);
  } catch {
    fail(`${label}: not a valid origin: ${JSON.stringify(step.origin)}`, source, i, 'url');
  }
  if (origin && ((origin.protocol !== 'http:' && origin.protocol !== 'https:') || origin.origin !== step.origin)) {
    fail(`${label}: the origin must be scheme://host[:port], got ${JSON.stringify(step.origin)}`, source, i, 'url');
  }
  if (!step.path.startsWith('/')) fail(`${label}: the path must start with /`, source, i, 'path');
  if (!sendablePath(step.path.replace(/\{\{[^}]*\}\}/g, ''))) {
    fail(
      `${label}: the path holds a space or control character: percent-encode it (a space is %20)`,
      source,
      i,
      'path',
    );
  }
  try {
    checkHeaders(
      step.headers.map(([n, v]) => [n, v.replace(/\{\{[^}]*\}\}/g, '')]),
      `${label}: header`,
    );
  } catch (err) {
    fail((err as Error).message, source, i, 'headers');
  }
  if (step.checks.length > MAX_CHECKS) fail(`${label}: at most ${MAX_CHECKS} checks`, source, i, 'check');
  if (step.captures.length > MAX_CAPTURES) fail(`${label}: at most ${MAX_CAPTURES} captures`, source, i, 'capture');
  for (const check of step.checks) {
    if (check.type === 'status') {
      if (check.statuses.length === 0 || check.statuses.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
        fail(`${label}: a status check takes codes from 100 to 599`, source, i, 'check', 'status');
      }
    } else if (check.type === 'header') {
      if (!NAME.test(check.name))
        fail(`${label}: not a header name: ${JSON.stringify(check.name)}`, source, i, 'check', 'header');
    } else if (check.type !== 'body' && check.type !== 'json') {
      fail(`${label}: unknown check ${JSON.stringify((check as { type: string }).type)}`, source, i, 'check');
    }
  }
  for (const capture of step.captures) {
    if (!NAME.test(capture.name))
      fail(`${label}: not a capture name: ${JSON.stringify(capture.name)}`, source, i, 'capture');
    if (!['json', 'header', 'regex'].includes(capture.from)) {
      fail(`${label}: capture ${capture.name} takes json, header or regex`, source, i, 'capture', capture.name);
    }
  }
  if (step.think !== null) {
    const { minMs, maxMs } = step.think;
    if (!(Number.isFinite(minMs) && Number.isFinite(maxMs) && minMs >= 0 && minMs <= maxMs && maxMs <= MAX_THINK_MS)) {
      fail(`${label}: think time runs from 0 to 1h, the shorter first`, source, i, 'think');
    }
  }
  if (!(Number.isFinite(step.weight) && step.weight > 0))
    fail(`${label}: weight must be a number above 0`, source, i, 'weight');
}

function checkData(data: readonly DataSet[]): void {
  const fail = (message: string, ...field: Array<string | number>): never => {
    throw new PlanError('INVALID_DATA', message, field.length > 0 ? field : undefined);
  };
  if (data.length > MAX_DATA_SETS) fail(`at most ${MAX_DATA_SETS} data sets`, 'data');
  const names = new Set<string>();
  let bytes = 0;
  for (const set of data) {
    const at = ['data', set.name];
    if (!NAME.test(set.name)) fail(`not a data set name: ${JSON.stringify(set.name)}`, 'data');
    if (names.has(set.name)) fail(`two data sets are named ${set.name}`, ...at);
    names.add(set.name);
    if (!DATA_ORDERS.includes(set.order))
      fail(`data ${set.name}: order is one of ${DATA_ORDERS.join(', ')}`, ...at, 'order');
    if (set.columns.length === 0) fail(`data ${set.name}: no columns`, ...at);
    if (new Set(set.columns).size !== set.columns.length) fail(`data ${set.name}: a column name is used twice`, ...at);
    if (set.rows.length === 0) fail(`data ${set.name}: no rows`, ...at);
    for (const [r, row] of set.rows.entries()) {
      if (row.length !== set.columns.length) {
        fail(`data ${set.name}: row ${r + 1} has ${row.length} values for ${set.columns.length} columns`, ...at);
      }
      for (const cell of row) bytes += cell.length;
    }
    if (bytes > MAX_DATA_BYTES) fail(`the data sets are over ${MAX_DATA_BYTES / 1024 / 1024} MiB in all`, ...at);
  }
}

/** Most shares a flow can be split into: every share needs a row of each `unique` data set. */
export function flowMaxShares(flow: Flow | null): number {
  if (!flow) return Number.POSITIVE_INFINITY;
  return Math.min(Number.POSITIVE_INFINITY, ...flow.data.filter((d) => d.order === 'unique').map((d) => d.rows.length));
}

/**
 * A flow's `n` shares: each `unique` data set's rows in consecutive blocks (never one row in two shares), the
 * other sets whole; `$seq` interleaved (share i takes start + i·stride, stride·n), and `$vu` numbered on from
 * the virtual users of the shares before (`users[i]` each).
 */
export function splitFlow(flow: Flow, users: readonly number[]): Flow[] {
  const n = users.length;
  const blocks = flow.data.map((d) => (d.order === 'unique' ? shares(d.rows.length, n) : null));
  let vu = flow.vuStart;
  return users.map((count, i) => {
    const data = flow.data.map((d, k) => {
      const sizes = blocks[k];
      if (!sizes) return d;
      const from = sizes.slice(0, i).reduce((a, b) => a + b, 0);
      return { ...d, rows: d.rows.slice(from, from + (sizes[i] ?? 0)) };
    });
    const share = {
      ...flow,
      data,
      seqStart: flow.seqStart + i * flow.seqStride,
      seqStride: flow.seqStride * n,
      vuStart: vu,
    };
    vu += count;
    return share;
  });
}
