import { Args, Flags } from '@oclif/core';
import type { Result } from '@volley/metrics';
import type { ClientName, Plan } from '@volley/plan';
import { resolvePlan } from '@volley/plan';
import { rankRuns, renderRanking, renderRankingJson } from '@volley/report';
import type { Logger } from 'pino';
import { VolleyCommand } from '../base-command.js';
import { untilDone } from '../conduct.js';
import { emitDiff, regressionFlag } from '../diff-output.js';
import { EXIT, UsageError } from '../errors.js';
import { planFlags } from '../flags.js';
import { inputFromFlags } from '../flags-input.js';
import { startLocalRun } from '../local-run.js';
import { checkOutputPath, writeOutput } from '../report-output.js';
import { bodyFromFile, withUserAgent } from '../request-defaults.js';
import { version } from '../version.js';

/** The seed study's matrix: {sequential, concurrent} x {pooled, per-request}, in the order they run. */
const MATRIX: Array<{ client: ClientName; sequential: boolean }> = [
  { client: 'pooled', sequential: true },
  { client: 'per-request', sequential: true },
  { client: 'pooled', sequential: false },
  { client: 'per-request', sequential: false },
];

export default class Compare extends VolleyCommand {
  static override summary = 'Rank the client strategies against a URL (with two result files: volley diff).';
  static override description =
    'With a URL: sends the same number of requests four ways, {sequential (1 at a time), concurrent (-c)} x ' +
    '{pooled, per-request}, one after the other, and ranks them fastest first with req/s, p50/p99 and the ' +
    'speed-up over the slowest. With two result files (from run -o) it is `volley diff A B`, kept as an alias.';
  static override examples = [
    '<%= config.bin %> compare http://127.0.0.1:8080/ -n 2000 -c 20',
    '<%= config.bin %> compare before.json after.json',
  ];
  static override args = {
    first: Args.string({ description: 'Target URL, or the first result file.', required: false }),
    second: Args.string({ description: 'The second result file (to diff two results).', required: false }),
  };
  static override flags = {
    requests: Flags.integer({
      char: 'n',
      min: 1,
      default: 1000,
      summary: 'Requests for each of the four runs.',
    }),
    connections: Flags.integer({
      char: 'c',
      min: 2,
      default: 10,
      summary: 'Connections of the concurrent runs (the sequential ones use 1).',
    }),
    method: planFlags.method,
    header: planFlags.header,
    body: planFlags.body,
    'body-file': planFlags['body-file'],
    timeout: planFlags.timeout,
    insecure: planFlags.insecure,
    format: Flags.option({
      options: ['text', 'json'] as const,
      default: 'text' as const,
      summary: 'A table, or JSON: { "ranking": [...] } (with two result files: as volley diff prints it).',
    })(),
    output: Flags.string({ char: 'o', summary: 'Also write the JSON form to this file.' }),
    quiet: Flags.boolean({ char: 'q', summary: 'No line per finished run on stderr.' }),
    ...regressionFlag,
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Compare);
    await checkOutputPath(flags.output);
    if (!args.first) throw new UsageError('give a URL to rank the strategies, or two result files to compare');
    const isUrl = /^https?:\/\//i.test(args.first);
    if (!isUrl || args.second !== undefined) {
      if (isUrl || args.second === undefined) {
        throw new UsageError('give a URL to rank the strategies, or two result files to compare');
      }
      await emitDiff([args.first, args.second], flags.format, flags.output, flags['fail-on-regression']);
      return;
    }
    // Every plan is validated before the first request goes out.
    const body = await bodyFromFile(flags);
    const runs = MATRIX.map(({ client, sequential }) => {
      const concurrency = sequential ? 1 : flags.connections;
      const input = withUserAgent({
        ...inputFromFlags({
          client,
          connections: Math.min(concurrency, flags.requests),
          requests: flags.requests,
          method: flags.method,
          header: flags.header,
          body: flags.body,
          timeout: flags.timeout,
          insecure: flags.insecure,
        }),
        ...(body !== undefined ? { body } : {}),
      });
      const plan = resolvePlan({ url: args.first as string, ...input });
      return { client, concurrency, plan };
    });
    const logger = this.createLogger(flags['log-level'], flags['log-format']);
    const measured: Array<{ client: string; concurrency: number; result: Result }> = [];
    let interrupted = false;
    for (const { client, concurrency, plan } of runs) {
      const result = await measure(plan, logger);
      measured.push({ client, concurrency, result });
      if (!flags.quiet) {
        const mode = concurrency === 1 ? 'sequential' : `concurrent x${concurrency}`;
        process.stderr.write(
          `${mode} ${client}: ${result.requests.total} requests in ${(result.durationMs / 1000).toFixed(2)}s` +
            `${result.aborted ? ' (stopped)' : ''}\n`,
        );
      }
      if (result.aborted) {
        interrupted = true;
        break;
      }
    }
    const ranking = rankRuns(measured);
    const json = renderRankingJson(ranking);
    process.stdout.write(flags.format === 'json' ? json : renderRanking(ranking));
    if (flags.output) await writeOutput(flags.output, json);
    if (interrupted) process.exitCode = EXIT.failure;
  }
}

async function measure(plan: Plan, logger: Logger): Promise<Result> {
  const run = startLocalRun(plan, logger, version);
  try {
    return await untilDone(run);
  } finally {
    await run.close();
  }
}
