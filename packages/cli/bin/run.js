#!/usr/bin/env node
// `volley --version` is asked for by scripts and health checks: answer it without loading the CLI framework.
if (process.argv.length === 3 && (process.argv[2] === '--version' || process.argv[2] === '-v')) {
  const { readFileSync } = await import('node:fs');
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`volley/${version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  // Node 22.1+ can keep V8's compiled code of every module between runs (in the OS temp dir), so the next start
  // does not compile oclif again. Node 20 has no such cache: there this is a no-op (not measured on 22 here).
  const { default: module } = await import('node:module');
  module.enableCompileCache?.();
  const { execute } = await import('@oclif/core');
  await execute({ dir: import.meta.url });
}
