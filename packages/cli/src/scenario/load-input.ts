import { PlanError, type PlanFragment, parseDuration, parseRate, parseStageParts, stagesOf } from '@volley/plan';
import type { LoadEntry } from './file.js';
import type { FieldPath, Locator } from './locate.js';

/**
 * The file's `load:` as a part of the plan, read with the same parsers as the flags, every mistake at its place
 * in the file (`s.yaml:9:5: load.stages: …`), never as a flag the user did not type.
 */
export function loadInput(load: LoadEntry, locate: Locator, flow: boolean): PlanFragment {
  const input: PlanFragment = {};
  const parse = <T>(key: FieldPath, fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof PlanError) throw locate.error(['load', ...key], err.message);
      throw err;
    }
  };
  if (load.model !== undefined) input.model = load.model;
  if (load.connections !== undefined) input.connections = load.connections;
  if (load.rate !== undefined) {
    const rate = load.rate;
    input.rate = typeof rate === 'number' ? rate : parse(['rate'], () => parseRate(rate, 'load.rate'));
    input.model = 'open';
  }
  if (load.stages !== undefined) {
    const legs = load.stages.map((s, i) => parse(['stages', i], () => parseStageParts(s.duration, s.target)));
    const { model, stages } = parse(['stages'], () => stagesOf(legs));
    if (model === 'closed' && load.rate !== undefined) {
      throw locate.error(
        ['load', 'stages'],
        'with a rate, stages are rates (duration: 30s, target: 500/s), not connections',
      );
    }
    if (load.model !== undefined && load.model !== model) {
      throw locate.error(
        ['load', 'model'],
        `the stages are ${model === 'open' ? 'rates' : 'connections'}: the ${model} model`,
      );
    }
    input.stages = stages;
    input.model = model;
  }
  if (load.duration !== undefined) input.durationMs = parse(['duration'], () => milliseconds(load.duration ?? 0));
  if (load.iterations !== undefined && !flow) {
    throw locate.error(['load', 'iterations'], 'iterations count the runs of a flow: without one, give requests');
  }
  const count = load.iterations ?? load.requests;
  if (count !== undefined) input.requests = count;
  if (load.client !== undefined) input.client = load.client as PlanFragment['client'];
  if (load.timeout !== undefined) input.timeoutMs = parse(['timeout'], () => milliseconds(load.timeout ?? 0));
  if (load.pipelining !== undefined) input.pipelining = load.pipelining;
  if (load.http2 !== undefined) input.http2 = load.http2;
  if (load.insecure !== undefined) input.insecure = load.insecure;
  if (load.model === 'open' && load.rate === undefined && load.stages === undefined) {
    throw locate.error(['load', 'model'], 'the open model needs a rate, or rate stages');
  }
  return input;
}

/** A duration as the file writes it: numbers are seconds. */
const milliseconds = (d: number | string): number => (typeof d === 'number' ? Math.round(d * 1000) : parseDuration(d));

// Which `load:` key a plan's message (one without a field) is about: the plan checks the merged input, so the key
// is the file's only when the command line did not give the same field. A fourth entry names the file's key that
// conflicts with the command line's.
const LOAD_KEYS: Array<[RegExp, string, keyof PlanFragment, string?]> = [
  [/^a rate needs the open model/, 'rate', 'rate'],
  [/^rate must/, 'rate', 'rate'],
  [/^the open model needs a rate/, 'model', 'model'],
  [/^connection stages set the connections/, 'connections', 'connections', 'stages'],
  [/^connections must/, 'connections', 'connections'],
  [/^(connection stages|stages in all|stage \d+)/, 'stages', 'stages'],
  [/^stages set the duration/, 'stages', 'stages'],
  [/^give either a duration or a request count/, 'requests', 'requests'],
  [/^requests must/, 'requests', 'requests'],
  [/^duration/, 'duration', 'durationMs'],
  [/^timeout/, 'timeout', 'timeoutMs'],
  [/^pipelining/, 'pipelining', 'pipelining'],
  [/^HTTP\/2/, 'http2', 'http2'],
  [/^client must/, 'client', 'client'],
  [/^model must/, 'model', 'model'],
];

/**
 * The place in `load:` of a plan error that names no field, when the file (not the command line) gave what it is
 * about; undefined when it is the command line's, or not about the load.
 */
export function loadField(err: PlanError, load: LoadEntry, flags: PlanFragment): FieldPath | undefined {
  for (const [pattern, key, fragment, other] of LOAD_KEYS) {
    if (!pattern.test(err.message)) continue;
    if (flags[fragment] !== undefined) return other !== undefined && other in load ? ['load', other] : undefined;
    const stage = /^stage (\d+)/.exec(err.message);
    if (key === 'stages' && stage && load.stages) return ['load', 'stages', Number(stage[1]) - 1];
    if (key === 'requests' && load.iterations !== undefined) return ['load', 'iterations'];
    if (key in load) return ['load', key];
    return Object.keys(load).length > 0 ? ['load'] : undefined;
  }
  return undefined;
}
