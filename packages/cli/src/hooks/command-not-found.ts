import { type Hook, loadHelpClass } from '@oclif/core';
import { EXIT } from '../errors.js';
import { nearest } from '../suggest.js';

/**
 * `volley help [COMMAND]` is help, as with every peer; any other unknown command is a usage error like any
 * other: one line naming the nearest command, exit 2, no stack.
 */
const hook: Hook.CommandNotFound = async function (options) {
  // With a space as the topic separator, oclif hands over the words that follow too ("dif:a.json:b.json").
  const [first = '', ...rest] = options.id.split(':');
  const unknown = (name: string): void => {
    const near = nearest(name, options.config.commandIDs);
    const hint = near ? `did you mean "${near}"?` : 'volley --help lists them';
    process.stderr.write(`volley: unknown command "${name}" (${hint})\n`);
    this.exit(EXIT.usage);
  };
  if (first !== 'help') {
    unknown(first);
    return;
  }
  const subject = [...rest, ...(options.argv ?? [])].find((arg) => !arg.startsWith('-'));
  if (subject !== undefined && !options.config.findCommand(subject)) {
    unknown(subject);
    return;
  }
  const Help = await loadHelpClass(options.config);
  await new Help(options.config).showHelp(subject === undefined ? [] : [subject]);
};

export default hook;
