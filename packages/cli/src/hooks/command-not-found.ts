import type { Hook } from '@oclif/core';
import { EXIT } from '../errors.js';

/** An unknown command is a usage error like any other: one line, exit 2, no stack. */
const hook: Hook.CommandNotFound = async function (options) {
  process.stderr.write(`volley: unknown command "${options.id}" (volley --help lists them)\n`);
  this.exit(EXIT.usage);
};

export default hook;
