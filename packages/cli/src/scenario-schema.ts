import { readFile } from 'node:fs/promises';

/**
 * The scenario file's JSON Schema, as text: schema/ one level above this file (src/ and dist/ in the workspace,
 * the bundle's lib/ in the published package). The single executable has no files: its build swaps this module
 * for one that returns the schema compiled in.
 */
export function readScenarioSchema(): Promise<string> {
  return readFile(new URL('../schema/scenario.schema.json', import.meta.url), 'utf8');
}
