import { Args, Flags } from '@oclif/core';
import { VolleyCommand } from '../base-command.js';
import { diffFormatFlag, emitDiff, regressionFlag } from '../diff-output.js';
import { UsageError } from '../errors.js';
import { checkOutputPath } from '../report-output.js';

export default class Diff extends VolleyCommand {
  static override summary = 'Two saved results side by side: the change, and whether it is beyond the noise.';
  static override description =
    'Reads two result documents (volley run -o FILE) and shows their key figures side by side (req/s, p50, p90, ' +
    'p99, max, mean, error rate), the change in percent, and a verdict: better or WORSE only when the change ' +
    'exceeds twice the standard error estimated from the interval-to-interval spread of both runs, otherwise ' +
    'within noise. A warning says when the two plans differ; --fail-on-regression exits 1 on a WORSE figure. ' +
    '`volley compare A B` is the same command.';
  static override examples = [
    '<%= config.bin %> diff before.json after.json',
    '<%= config.bin %> diff before.json after.json --format json -o diff.json',
    '<%= config.bin %> diff baseline.json candidate.json --fail-on-regression',
  ];
  static override args = {
    // Not `required`: oclif's own message for a missing argument runs over several lines.
    before: Args.string({ description: 'The result to compare against (the baseline).' }),
    after: Args.string({ description: 'The result to judge.' }),
  };
  static override flags = {
    ...diffFormatFlag,
    ...regressionFlag,
    output: Flags.string({ char: 'o', summary: 'Also write the JSON form to this file.' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(Diff);
    if (args.before === undefined || args.after === undefined) {
      throw new UsageError('give two result files: volley diff BEFORE.json AFTER.json');
    }
    await checkOutputPath(flags.output);
    await emitDiff([args.before, args.after], flags.format, flags.output, flags['fail-on-regression']);
  }
}
