import { type Hook, loadHelpClass } from '@oclif/core';
import { EXIT } from '../errors.js';
import { nearest } from '../suggest.js';

/**
 * `volley help [COMMAND]` is help, as with every peer; any other unknown command is a usage error like any
 * other: one line naming the nearest command, exit 2, no stack.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const [first, ...rest] = options.id.split(':');
  if (first === 'help') {
    const Help = await loadHelpClass(options.config);
    await new Help(options.config).showHelp([...rest, ...(options.argv ?? [])]);
    return;
  }
  const near = nearest(options.id, options.config.commandIDs);
  const hint = near ? `did you mean "${near}"?` : 'volley --help lists them';
  process.stderr.write(`volley: unknown command "${options.id.replaceAll(':', ' ')}" (${hint})\n`);
  this.exit(EXIT.usage);
};

export default hook;
