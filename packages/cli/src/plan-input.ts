import { type Plan, PlanError, type PlanFragment, type PlanInput, resolvePlan } from '@volley/plan';
import { UsageError } from './errors.js';
import { inputFromFlags, type PlanFlagValues } from './flags-input.js';
import { bodyFromFile, withUserAgent } from './request-defaults.js';
import type { Scenario } from './scenario/index.js';

/**
 * The one step where a scenario file and the command line meet. Flags override the file: a duration, request
 * count or stages on the command line replace all three of the file's (they bound the run together), and with
 * them the model the file's stages implied; any other flag replaces its own field. The file's headers go before
 * the command line's; the headers to redact are both's.
 */
export function mergeInput(file: PlanFragment, flags: PlanFragment): PlanFragment {
  const merged: PlanFragment = { ...file };
  if (flags.durationMs !== undefined || flags.requests !== undefined || flags.stages !== undefined) {
    delete merged.durationMs;
    delete merged.requests;
    delete merged.stages;
  }
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as PlanFragment;
  const headers = [...(file.headers ?? []), ...(flags.headers ?? [])];
  return { ...merged, ...given, headers, redact: [...(file.redact ?? []), ...(flags.redact ?? [])] };
}

/**
 * The plan of a command that runs load: from the flags, over the scenario file when `--scenario` names one.
 * `url` is the command line's (or the demo target's); without one, the scenario's. Also gives the scenario's
 * thresholds (the command line's are added to them). All input checking happens here, before any load is sent.
 */
export async function planFromInput(
  url: string | undefined,
  flags: PlanFlagValues & { scenario?: string | undefined },
  missingUrl = 'missing URL',
): Promise<{ plan: Plan; thresholds: string[] }> {
  const fromFlags = inputFromFlags(flags);
  const body = await bodyFromFile(flags);
  if (body !== undefined) fromFlags.body = body;
  if (flags.scenario === undefined) {
    if (!url) throw new UsageError(missingUrl);
    return { plan: resolvePlan(withUserAgent({ ...fromFlags, url }) as PlanInput), thresholds: [] };
  }
  // Loaded only for scenarios, so plain runs start without YAML and the schema validator.
  const { loadScenario, endpointsOn, flowOn, loadField } = await import('./scenario/index.js');
  const scenario = await loadScenario(flags.scenario);
  const target = url ?? scenario.url;
  if (!target) throw new UsageError(`${missingUrl}: give one on the command line or as url: in ${flags.scenario}`);
  if (!URL.canParse(target)) throw new UsageError(`not a valid URL: ${JSON.stringify(target)}`);
  const input = mergeInput(scenario.load, fromFlags);
  checkStagesKind(scenario, fromFlags, input);
  const endpoints = endpointsOn(scenario, target);
  const flow = scenario.flow && flowOn(scenario.flow, target, input.headers);
  try {
    const plan = resolvePlan(
      withUserAgent({
        ...input,
        url: target,
        ...(endpoints.length > 0 ? { endpoints } : {}),
        ...(flow ? { flow } : {}),
      }) as PlanInput,
    );
    return { plan, thresholds: scenario.thresholds };
  } catch (err) {
    // The plan names the scenario field a mistake is in (`['flow', 1, 'headers', 'x-id']`), or for the load,
    // says what it is about: either way it is reported at its place in the file.
    if (!(err instanceof PlanError)) throw err;
    const field = err.field ?? loadField(err, scenario.loadEntry, fromFlags);
    if (field) throw scenario.locate.error(field, err.message);
    throw err;
  }
}

/** The file's stages kept under a model the command line chose: connection stages read as rates, or back. */
function checkStagesKind(scenario: Scenario, flags: PlanFragment, input: PlanFragment): void {
  const fileModel = scenario.load.stages ? scenario.load.model : undefined;
  if (input.stages === scenario.load.stages && fileModel && flags.model && flags.model !== fileModel) {
    const kind = fileModel === 'open' ? 'rates' : 'connections';
    throw scenario.locate.error(['load', 'stages'], `these stages are ${kind}: they cannot go with --rate`);
  }
}
