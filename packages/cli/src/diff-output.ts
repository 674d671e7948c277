import { Flags } from '@oclif/core';
import { diffResults, isRegression, planDifferences, renderDiff, renderDiffJson } from '@volley/report';
import { EXIT } from './errors.js';
import { readResult } from './read-result.js';
import { writeOutput } from './report-output.js';

/** How `diff` (and `compare A B`) shows two results: a table or the JSON form, on stdout and in `-o`. */
export const diffFormatFlag = {
  format: Flags.option({
    options: ['text', 'json'] as const,
    default: 'text' as const,
    summary: 'A table, or JSON: { "before", "after", "diff": [...] }.',
  })(),
};

/** For CI: a figure worse beyond the noise fails the step. */
export const regressionFlag = {
  'fail-on-regression': Flags.boolean({
    summary: 'Exit 1 if a figure is WORSE beyond the noise (with two result files).',
  }),
};

/**
 * Two saved results side by side on stdout, and the JSON form written to `output` if given. `volley diff A B`
 * and its alias `volley compare A B` both come here, so they cannot drift apart. A warning on stderr when the two
 * plans differ; with `failOnRegression`, exit 1 (after printing everything) when a figure is WORSE.
 */
export async function emitDiff(
  paths: [string, string],
  format: 'text' | 'json',
  output: string | undefined,
  failOnRegression = false,
): Promise<void> {
  const before = await readResult(paths[0]);
  const after = await readResult(paths[1]);
  const diff = diffResults(before, after);
  const json = renderDiffJson(diff, paths);
  const differ = planDifferences(before.plan, after.plan);
  if (differ.length > 0) {
    process.stderr.write(`volley: warning: the two runs had different plans (${differ.join(', ')})\n`);
  }
  process.stdout.write(format === 'json' ? json : renderDiff(diff, paths));
  if (output !== undefined) await writeOutput(output, json);
  const worse = diff.filter(isRegression).map((d) => d.metric);
  if (failOnRegression && worse.length > 0) {
    process.stderr.write(`volley: regression: ${worse.join(', ')} WORSE beyond the noise\n`);
    process.exitCode = EXIT.failure;
  }
}
