import { Flags } from '@oclif/core';
import { diffResults, renderDiff, renderDiffJson } from '@volley/report';
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

/**
 * Two saved results side by side on stdout, and the JSON form written to `output` if given. `volley diff A B`
 * and its alias `volley compare A B` both come here, so they cannot drift apart.
 */
export async function emitDiff(
  paths: [string, string],
  format: 'text' | 'json',
  output: string | undefined,
): Promise<void> {
  const diff = diffResults(await readResult(paths[0]), await readResult(paths[1]));
  const json = renderDiffJson(diff, paths);
  process.stdout.write(format === 'json' ? json : renderDiff(diff, paths));
  if (output !== undefined) await writeOutput(output, json);
}
