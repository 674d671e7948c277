// Builds `volley-linux-x64` (in the repository root): one file an agent host copies and runs, no Node or npm
// needed, made with Node's single-executable-application support from the Node that runs this script.
//   node packages/volley/sea.mjs [OUT]        (after the workspace build; `npm run build:sea` does both)
// Everything is bundled, the third-party packages too (there is no node_modules beside it). What the published
// package finds beside its bundle at run time is swapped here for what needs no file:
//   engine thread script  -> the thread, bundled on its own, as a data: URL
//   target child script   -> this executable, started in its child-target mode
//   the CLI's own bin     -> this executable (local agent processes of `run --agents N`)
//   package.json versions -> the version, compiled in
//   the scenario schema    -> its text, compiled in
//   HTML report assets     -> their text, compiled in (each patch must apply exactly once)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const work = join(here, 'dist-sea');
const outFile = process.argv[2] ?? join(root, 'volley-linux-x64');
const pkg = (name, path = '') => join(root, 'packages', name, path);
const read = (path) => readFileSync(path, 'utf8');
const cli = JSON.parse(read(pkg('cli', 'package.json')));
const template = JSON.parse(read(join(here, 'package.json')));
const require = createRequire(import.meta.url);

/** Some bundled CommonJS packages call require('node:…'); an ES module has no `require`, so the thread gets one. */
const requireShim =
  "import { createRequire as __volleyRequire } from 'node:module'; const require = __volleyRequire('/');";

/** The engine thread as one self-contained ES module (only node: imports), for a data: URL. */
async function workerModule() {
  const result = await build({
    entryPoints: [pkg('engine', 'dist/threads/worker.js')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20.18',
    banner: { js: requireShim },
    legalComments: 'none',
    logLevel: 'warning',
  });
  return result.outputFiles[0].text;
}

/** Modules replaced whole, by the end of their path. */
function replacements(workerSource) {
  const dataUrl = `data:text/javascript;base64,${Buffer.from(workerSource).toString('base64')}`;
  const version = `export const version = ${JSON.stringify(cli.version)};\n`;
  return new Map([
    [
      '/engine/dist/threads/worker-script.js',
      `export function defaultWorker() { return new URL(${JSON.stringify(dataUrl)}); }\n`,
    ],
    ['/target/dist/serve-script.js', "export function serveScript() { return '--volley-target-child'; }\n"],
    [
      '/cli/dist/self-command.js',
      'export function selfCommand() { return { command: process.execPath, args: [] }; }\n',
    ],
    ['/cli/dist/version.js', version],
    ['/agent/dist/version.js', version],
    [
      '/cli/dist/scenario-schema.js',
      `export async function readScenarioSchema() { return ${JSON.stringify(read(pkg('cli', 'schema/scenario.schema.json')))}; }\n`,
    ],
  ]);
}

/** Text patches inside modules that read a file beside them; each `from` must occur exactly once. */
function patches() {
  const text = (path) => JSON.stringify(read(path));
  return new Map([
    [
      '/report/dist/html.js',
      [
        [
          "read(require.resolve('uplot/dist/uPlot.iife.min.js'))",
          text(require.resolve('uplot/dist/uPlot.iife.min.js')),
        ],
        ["read(require.resolve('uplot/dist/uPlot.min.css'))", text(require.resolve('uplot/dist/uPlot.min.css'))],
        ["read(new URL('../assets/report.js', import.meta.url))", text(pkg('report', 'assets/report.js'))],
        ["read(new URL('../assets/report.css', import.meta.url))", text(pkg('report', 'assets/report.css'))],
      ],
    ],
  ]);
}

function swapPlugin(workerSource) {
  const whole = replacements(workerSource);
  const partial = patches();
  const seen = new Set();
  return {
    name: 'sea-swap',
    setup(b) {
      b.onLoad({ filter: /[\\/]packages[\\/].*\.js$/ }, (args) => {
        const path = args.path.split('\\').join('/');
        for (const [end, contents] of whole) {
          if (path.endsWith(end)) {
            seen.add(end);
            return { contents, loader: 'js' };
          }
        }
        for (const [end, edits] of partial) {
          if (!path.endsWith(end)) continue;
          let contents = read(args.path);
          for (const [from, to] of edits) {
            if (contents.split(from).length !== 2) throw new Error(`${end}: expected "${from}" exactly once`);
            contents = contents.replace(from, () => to);
          }
          seen.add(end);
          return { contents, loader: 'js' };
        }
        return undefined;
      });
      b.onEnd(() => {
        const missing = [...whole.keys(), ...partial.keys()].filter((end) => !seen.has(end));
        if (missing.length > 0) throw new Error(`sea: never loaded ${missing.join(', ')}: update sea.mjs`);
      });
    },
  };
}

/** The CLI and everything it imports as one CommonJS file: what Node's SEA runs as its main script. */
async function mainScript() {
  const workerSource = await workerModule();
  const pjson = { ...template, version: cli.version };
  delete pjson.oclif.hooks; // a hook would be loaded from a file: sea-entry.mjs runs command-not-found itself
  const result = await build({
    entryPoints: [join(here, 'sea-entry.mjs')],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20.18',
    // oclif looks for TypeScript tooling (ts-node, tsx, typescript) to run a CLI's sources in development.
    external: ['typescript', 'ts-node', 'tsx', 'pnpapi'],
    // The main script's own require loads built-in modules only and warns at any other name: the bundle's
    // lookups of optional packages (above) get an ordinary one, which finds nothing and says nothing.
    banner: { js: "var require = require('node:module').createRequire(__filename);" },
    define: { VOLLEY_PJSON: JSON.stringify(pjson), 'import.meta.url': '"file:///volley-sea/lib/volley.js"' },
    plugins: [swapPlugin(workerSource)],
    legalComments: 'none',
    logLevel: 'error',
  });
  return result.outputFiles[0].text;
}

export async function buildSea(out = outFile) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const main = join(work, 'main.cjs');
  writeFileSync(main, await mainScript());
  const blob = join(work, 'sea-prep.blob');
  const config = { main, output: blob, disableExperimentalSEAWarning: true, useCodeCache: true };
  writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config));
  execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: 'inherit' });
  rmSync(out, { force: true });
  copyFileSync(process.execPath, out);
  const postject = join(dirname(require.resolve('postject/package.json')), 'dist', 'cli.js');
  execFileSync(
    process.execPath,
    [postject, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'],
    // postject's ELF parser warns about Node's note sections ("Can't find string offset"): shown only on failure.
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return { out, bytes: statSync(out).size };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { out, bytes } = await buildSea();
  process.stdout.write(`built ${relative(process.cwd(), out) || out} (${(bytes / 2 ** 20).toFixed(1)} MiB)\n`);
}
