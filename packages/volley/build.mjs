// Builds the published `volley` package into packages/volley/dist (a package root of its own, ready for
// `npm pack`): the internal @volley/* packages bundled by esbuild into lib/, the third-party packages declared
// as dependencies and left out of the bundle (npm installs one copy of each, deduplicated, and their own files
// such as pino's or undici's stay where they expect to be), one .d.ts for the programmatic API.
// Run after the workspace build (`npm run build`): it bundles the built dist/ of each package.
//   node packages/volley/build.mjs
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, 'dist');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const pkg = (name) => join(root, 'packages', name);

// Every path the bundle resolves at run time (the thread script, the target's child script, the bin for local
// agent processes, the report's assets, the scenario schema, package.json for the version) is relative to the
// module that asks: lib/ here, as dist/ in the workspace. So every output file goes flat into lib/, with the
// package root one level up, exactly as each workspace package's dist/ sits under its root.
const entryPoints = {
  index: join(pkg('cli'), 'dist/api/index.js'),
  cli: join(pkg('cli'), 'dist/command-table.js'),
  worker: join(pkg('engine'), 'dist/threads/worker.js'),
  serve: join(pkg('target'), 'dist/serve.js'),
};

/** Third-party packages stay imports, to be installed as dependencies; @volley/* and relative paths are bundled. */
const thirdPartyExternal = {
  name: 'third-party-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@volley/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** The package a bare import names: `pino`, `@oclif/core`, `protobufjs/minimal.js` → `protobufjs`. */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');

/** The range each workspace package declares for a third-party dependency (they must agree). */
function declaredRanges() {
  const ranges = {};
  for (const name of ['plan', 'protocol', 'metrics', 'engine', 'report', 'target', 'agent', 'controller', 'cli']) {
    for (const [dep, range] of Object.entries(readJson(join(pkg(name), 'package.json')).dependencies ?? {})) {
      if (dep.startsWith('@volley/')) continue;
      if (ranges[dep] && ranges[dep] !== range) throw new Error(`${dep}: ${ranges[dep]} and ${range} both declared`);
      ranges[dep] = range;
    }
  }
  return ranges;
}

export async function buildPackage() {
  const cli = readJson(join(pkg('cli'), 'package.json'));
  rmSync(out, { recursive: true, force: true });
  const result = await build({
    entryPoints,
    outdir: join(out, 'lib'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.18',
    chunkNames: 'chunk-[hash]',
    plugins: [thirdPartyExternal],
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  // Declare what the bundle imports, and uplot, which the HTML report finds at run time with require.resolve.
  const ranges = declaredRanges();
  const imported = new Set(['uplot']);
  for (const output of Object.values(result.metafile.outputs)) {
    for (const i of output.imports) if (i.external && !i.path.startsWith('node:')) imported.add(packageOf(i.path));
  }
  const dependencies = {};
  for (const name of [...imported].sort()) {
    if (!ranges[name]) throw new Error(`the bundle imports ${name}, which no workspace package declares`);
    dependencies[name] = ranges[name];
  }
  checkCommands();

  const template = readJson(join(here, 'package.json'));
  const manifest = { ...template, version: cli.version, dependencies };
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(join(out, 'bin'));
  cpSync(join(pkg('cli'), 'bin/run.js'), join(out, 'bin/run.js'));
  cpSync(join(pkg('report'), 'assets'), join(out, 'assets'), { recursive: true });
  cpSync(join(pkg('cli'), 'schema'), join(out, 'schema'), { recursive: true });
  cpSync(join(here, 'README.md'), join(out, 'README.md'));
  cpSync(join(root, 'LICENSE'), join(out, 'LICENSE'));
  await writeTypes();
  writeOclifManifest(manifest);
  return { out, manifest };
}

/** The command table the bundle hands oclif must name every command the workspace CLI has. */
function checkCommands() {
  const workspace = Object.keys(readJson(join(pkg('cli'), 'oclif.manifest.json')).commands).sort();
  const source = readFileSync(join(pkg('cli'), 'src/command-table.ts'), 'utf8');
  const table = [...source.matchAll(/^ {2}([\w-]+): \w+,$/gm)].map((m) => m[1]).sort();
  if (table.join() !== workspace.join()) {
    throw new Error(`src/command-table.ts has ${table.join(', ')}; the CLI has ${workspace.join(', ')}`);
  }
}

/** One declaration file for `import ... from 'volley'`, with the @volley/* types it uses inlined. */
async function writeTypes() {
  const { generateDtsBundle } = await import('dts-bundle-generator');
  const internal = ['plan', 'protocol', 'metrics', 'engine', 'report', 'target', 'agent', 'controller'];
  const [dts] = generateDtsBundle(
    [
      {
        filePath: join(pkg('cli'), 'src/api/index.ts'),
        libraries: { inlinedLibraries: internal.map((n) => `@volley/${n}`) },
        output: { noBanner: true, exportReferencedTypes: false },
      },
    ],
    { preferredConfigPath: join(pkg('cli'), 'tsconfig.json') },
  );
  writeFileSync(join(out, 'lib/index.d.ts'), `// Volley's programmatic API.\n${dts}`);
}

/**
 * oclif reads a manifest (command ids, flags, help) instead of loading every command at start-up: the workspace
 * CLI's (the same command classes, checked above), under this package's name.
 */
function writeOclifManifest(manifest) {
  const workspace = readJson(join(pkg('cli'), 'oclif.manifest.json'));
  const commands = {};
  for (const [id, command] of Object.entries(workspace.commands)) {
    commands[id] = { ...command, pluginName: manifest.name, pluginAlias: manifest.name, relativePath: undefined };
  }
  writeFileSync(join(out, 'oclif.manifest.json'), `${JSON.stringify({ commands, version: manifest.version })}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { out: dir, manifest } = await buildPackage();
  process.stdout.write(`built ${manifest.name}@${manifest.version} in ${relative(process.cwd(), dir) || '.'}\n`);
}
