import { Flags } from '@oclif/core';
import type { Result } from '@volley/metrics';
import { startTargetProcess } from '@volley/target';
import { VolleyCommand } from '../base-command.js';
import { UsageError } from '../errors.js';
import { checkFileLimit } from '../fd-limit.js';
import { outputFlags, parseWorkers, planFlags, thresholdFlags, urlArg, workersFlag } from '../flags.js';
import { startLocalRun } from '../local-run.js';
import { planFromInput } from '../plan-input.js';
import { runSession, sessionOptions } from '../session.js';
import { version } from '../version.js';

export default class Run extends VolleyCommand {
  static override summary = 'Run a load test from this machine: a controller and one local agent.';
  static override description =
    'Sends requests to URL with --connections loops, each sending its next request when the last one ended, ' +
    'for --duration or --requests, and prints a latency report. Ctrl-C stops the run and still reports.';
  static override examples = [
    '<%= config.bin %> run --demo',
    '<%= config.bin %> run http://127.0.0.1:8080/ -c 50 -d 30s',
    '<%= config.bin %> run http://127.0.0.1:8080/api -n 20000 -c 20 --client per-request --format json -o result.json',
    '<%= config.bin %> run --demo -d 5s -q --format csv > intervals.csv',
    "<%= config.bin %> run http://127.0.0.1:8080/api -m POST -H 'content-type: application/json' -b '{\"a\":1}'",
  ];
  static override enableJsonFlag = true;
  static override args = urlArg;
  static override flags = {
    ...planFlags,
    ...outputFlags,
    ...thresholdFlags,
    ...workersFlag,
    demo: Flags.boolean({ summary: 'Start the built-in target on a free port and run against it.' }),
    agents: Flags.integer({
      min: 1,
      max: 256,
      default: 1,
      summary: 'Local agents: more than 1 runs each in a process of its own, to use more cores.',
    }),
  };

  async run(): Promise<Result> {
    const { args, flags } = await this.parse(Run);
    if (args.url && flags.demo) throw new UsageError('give a URL or --demo, not both');
    const logger = this.createLogger(flags['log-level'], flags['log-format']);
    const childLog = this.childLog(flags['log-format']);
    // Validate the whole plan before starting anything, the demo target included.
    const missing = 'missing URL (or use --demo to run against the built-in target)';
    const { plan, thresholds } = await planFromInput(
      args.url ?? (flags.demo ? 'http://127.0.0.1/' : undefined),
      flags,
      missing,
    );
    const workers = parseWorkers(flags.workers);
    if (flags.agents > plan.connections) {
      throw new UsageError(`--agents ${flags.agents} needs at least as many connections, got -c ${plan.connections}`);
    }
    checkFileLimit(plan.connections, flags.agents);
    const session = sessionOptions(plan, thresholds, flags, this.jsonEnabled());
    // The session checks thresholds and the output path before it starts the run, so the demo target starts
    // inside the run's start, and closes with it.
    return runSession(session, async ({ onEvent }) => {
      if (!flags.demo) return startLocalRun(plan, logger, version, flags.agents, onEvent, workers, childLog);
      const target = await startTargetProcess({});
      try {
        const { plan: aimed } = await planFromInput(target.url, flags);
        const run = startLocalRun(aimed, logger, version, flags.agents, onEvent, workers, childLog);
        return {
          ...run,
          close: async () => {
            await run.close();
            await target.close();
          },
        };
      } catch (err) {
        await target.close();
        throw err;
      }
    });
  }
}
