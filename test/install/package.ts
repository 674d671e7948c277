import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The environment of a user's shell: nothing of the npm run that started this test (npm_config_* would point the
 * npm below at this repository's settings) and no NODE_PATH, so nothing resolves into the repository.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^npm_/i.test(k) && k !== 'NODE_PATH' && k !== 'NODE_OPTIONS' && k !== 'INIT_CWD') env[k] = v;
  }
  return { ...env, ...extra };
}

/** A fresh folder outside the repository. */
export function scratch(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `volley-${name}-`));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `npm run pack`'s last two steps (the workspace is built already): the package bundled, then packed into `dir`. */
export async function packTarball(dir: string): Promise<string> {
  await run(process.execPath, [join(ROOT, 'packages/volley/build.mjs')], { cwd: ROOT });
  const { stdout } = await run('npm', ['pack', join(ROOT, 'packages/volley/dist'), '--pack-destination', dir], {
    cwd: dir,
    env: cleanEnv(),
  });
  return join(dir, stdout.trim().split('\n').pop() ?? '');
}

/**
 * `npm install` run in `cwd`, as a user would (`-g --prefix` for a global install), from the registry or, offline,
 * the machine's npm cache: the tarball's dependencies come from there, never from this repository.
 */
export async function npmInstall(cwd: string, args: string[]): Promise<void> {
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...args], {
    cwd,
    env: cleanEnv(),
    timeout: 120_000,
  });
}
