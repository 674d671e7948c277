import { Args, Flags } from '@oclif/core';
import type { Result } from '@volley/metrics';
import { checkThresholdNames, FORMATS } from '@volley/report';
import { VolleyCommand } from '../base-command.js';
import { formatFlag, thresholdFlags } from '../flags.js';
import { readResult } from '../read-result.js';
import { checkOutputPath, writeOutput } from '../report-output.js';
import { applyThresholds, exitCodeFor, parseThresholds } from '../thresholds.js';

export default class Report extends VolleyCommand {
  static override summary = 'Render a saved result: text, json, csv, hgrm, hlog or a self-contained HTML page.';
  static override description =
    'Reads a result document (volley run -o FILE) and renders it in any --format, the same formats run and ' +
    'controller print. Every format is exact: the file carries the HdrHistogram of every interval. With ' +
    '--threshold, exits 99 if one fails (for CI on a saved result).';
  static override examples = [
    '<%= config.bin %> report result.json',
    '<%= config.bin %> report result.json --format html -o report.html',
    '<%= config.bin %> report result.json --format hgrm > latency.hgrm',
    "<%= config.bin %> report result.json --threshold 'p99<250ms' --threshold 'error_rate<0.01'",
    "<%= config.bin %> report result.json --threshold 'p(95){step=login}<300ms' --json",
  ];
  static override args = {
    file: Args.string({ description: 'A result document written by volley run -o.', required: true }),
  };
  static override flags = {
    ...formatFlag,
    output: Flags.string({ char: 'o', summary: 'Write to this file instead of stdout.' }),
    ...thresholdFlags,
  };

  static override enableJsonFlag = true;

  async run(): Promise<Result> {
    const { args, flags } = await this.parse(Report);
    const thresholds = parseThresholds(flags.threshold ?? []);
    await checkOutputPath(flags.output);
    const result = await readResult(args.file);
    // Names are checked against the file's own requests: a typo is exit 2, not a failed threshold.
    checkThresholdNames(
      thresholds,
      (result.endpoints ?? []).map((e) => e.name),
    );
    applyThresholds(result, thresholds);
    // With --json, oclif prints the result (as run --json does); -o still gets the --format rendering.
    if (flags.output) await writeOutput(flags.output, FORMATS[flags.format].render(result));
    else if (!this.jsonEnabled()) process.stdout.write(FORMATS[flags.format].render(result));
    if (thresholds.length > 0) process.exitCode = exitCodeFor({ ...result, aborted: false });
    return result;
  }
}
