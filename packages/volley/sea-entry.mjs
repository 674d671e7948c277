// The single executable's main script (bundled into one CommonJS file by sea.mjs): the CLI with no files beside
// it. oclif normally finds its commands and package.json on disk; here both are compiled in (VOLLEY_PJSON is
// defined by the build), and the executable is also its own child target process.
/* global VOLLEY_PJSON */
const pjson = VOLLEY_PJSON;
/** Must match the name sea.mjs gives target/dist/serve-script.js in this build. */
const TARGET_CHILD = '--volley-target-child';
const args = process.argv.slice(2);

// CommonJS has no top-level await.
async function main() {
  if (args[0] === TARGET_CHILD) {
    // startTargetProcess forked this executable: serve as the target's child process.
    const { serveChild } = await import('@volley/target');
    await serveChild(args[1]);
  } else if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
    process.stdout.write(`volley/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`);
  } else {
    const { execute, Plugin } = await import('@oclif/core');
    const { COMMANDS, commandNotFound } = await import('../cli/dist/command-table.js');
    const id = args[0];
    if (id && !id.startsWith('-') && !(id in COMMANDS)) {
      // oclif would load this hook from a file; the executable has none, so it runs here, with oclif's `this.exit`.
      await commandNotFound.call({ exit: (code) => process.exit(code) }, { id, argv: args.slice(1) });
    }
    // oclif's explicit command discovery imports the commands' module from disk; here it is already loaded.
    Plugin.prototype.loadCommandsFromTarget = async function loadCommandsFromTarget() {
      return COMMANDS;
    };
    // No file is read from `root`: the manifest oclif looks for there is absent, so it is made from the classes.
    await execute({ args, loadOptions: { root: '/nonexistent/volley-sea', pjson: structuredClone(pjson) } });
  }
}

main();
