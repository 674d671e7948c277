import type { ControllerEvent } from '@volley/controller';
import type { Result } from '@volley/metrics';
import type { Plan } from '@volley/plan';
import { nothingSucceeded } from '@volley/report';
import { type Abortable, untilDone } from './conduct.js';
import { startLiveOutputs } from './live-outputs.js';
import { DEFAULT_METRICS_LINGER, parseMetricsLinger } from './metrics-server.js';
import { Progress } from './progress.js';
import { checkOutputPath, emitResult } from './report-output.js';
import { stderrLine } from './status-line.js';
import { applyThresholds, exitCodeFor, parseThresholds } from './thresholds.js';

/** What a command that runs load asks of its session: how to show progress and where the result goes. */
export interface SessionOptions {
  plan: Plan;
  /** Threshold expressions, the scenario file's and the command line's; checked before anything starts. */
  thresholds: readonly string[];
  quiet: boolean;
  /** undefined when --json prints the result instead. */
  format: Parameters<typeof emitResult>[1];
  output: string | undefined;
  metricsPort: string | undefined;
  /** How long (ms) the metrics endpoint serves the final values after the run. */
  metricsLingerMs: number;
  /** `--dashboard [HOST:]PORT`: the live page; its token beyond loopback (a fresh one if undefined). */
  dashboard?: string | undefined;
  dashboardToken?: string | undefined;
  /** Agents the run waits for, for the dashboard's count of those still awaited. */
  agents?: number;
  /** Agent events a command shows as lines of their own (the controller's joins); progress shows the rest. */
  describe?: (event: Exclude<ControllerEvent, { type: 'interval' }>) => string | undefined;
}

/** The output flags every command that runs load has. */
export interface OutputFlagValues {
  threshold?: string[] | undefined;
  quiet: boolean;
  format: SessionOptions['format'];
  output?: string | undefined;
  'metrics-port'?: string | undefined;
  'metrics-linger'?: string | undefined;
  dashboard?: string | undefined;
  token?: string | undefined;
  agents?: number | undefined;
}

/** A session's options from a command's flags; `json` is true when --json prints the result instead. */
export function sessionOptions(
  plan: Plan,
  fromFile: readonly string[],
  flags: OutputFlagValues,
  json: boolean,
): SessionOptions {
  return {
    plan,
    thresholds: [...fromFile, ...(flags.threshold ?? [])],
    quiet: flags.quiet,
    format: json ? undefined : flags.format,
    output: flags.output,
    metricsPort: flags['metrics-port'],
    metricsLingerMs: parseMetricsLinger(flags['metrics-linger'] ?? DEFAULT_METRICS_LINGER),
    dashboard: flags.dashboard,
    dashboardToken: flags.token,
    agents: flags.agents ?? 1,
  };
}

/** Where a session's run reports to: every controller event, and lines to show above the progress. */
export interface SessionSink {
  onEvent(event: ControllerEvent): void;
  say(line: string): void;
}

/**
 * The one run sequence `run` and `controller` share: check the thresholds and the output path, show progress
 * and serve metrics while the run goes, stop it on Ctrl-C with its report intact, then judge the thresholds,
 * print and write the result, and set the exit code. `start` begins the run; `close` (if any) ends what it
 * opened, after the report is out: nothing a close might wait on (a stray socket, a slow peer) holds it up.
 */
export async function runSession(
  options: SessionOptions,
  start: (sink: SessionSink) => Promise<Abortable & { close?: () => Promise<void> }>,
): Promise<Result> {
  // The names `{step=NAME}` may use: a scenario's requests, or a flow's steps.
  const names = [...options.plan.endpoints, ...(options.plan.flow?.steps ?? [])].map((e) => e.name);
  const thresholds = parseThresholds(options.thresholds, names);
  await checkOutputPath(options.output);
  const progress = new Progress(stderrLine, options.plan, options.quiet);
  let close: (() => Promise<void>) | undefined;
  let result: Result;
  const live = await startLiveOutputs({
    ...options,
    thresholds,
    expectedAgents: options.agents ?? 1,
    say: (line) => progress.line(line),
  });
  try {
    const sink: SessionSink = {
      onEvent: (event) => {
        const line = event.type === 'interval' ? undefined : options.describe?.(event);
        if (line !== undefined) progress.line(line);
        else progress.listener(event);
        // After the line: the live views read each agent's figures (with 2,000 agents, tens of ms) and the
        // progress line need not wait on them.
        live.listener(event);
      },
      say: (line) => progress.line(line),
    };
    progress.begin();
    const run = await start(sink);
    close = run.close;
    live.stopWith((reason) => run.abort(reason));
    result = await untilDone(run);
    progress.clear();
    applyThresholds(result, thresholds);
    await emitResult(result, options.format, options.output);
    // The text report says it at its top; a JSON or CSV reader on stdout may not look, so stderr says it too.
    const failure = nothingSucceeded(result);
    if (failure !== undefined && options.format !== 'text') stderrLine.line(`volley: ${failure}`);
    process.exitCode = exitCodeFor(result);
    const closing = close;
    close = undefined;
    await live.afterReport(result, async () => closing?.());
    await closing?.();
  } finally {
    progress.clear();
    await live.close();
    await close?.();
  }
  return result;
}
