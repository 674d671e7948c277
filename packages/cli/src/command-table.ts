// Every command and hook by name, for oclif's explicit command discovery: the published package bundles the CLI
// into one module, so oclif takes its commands from this table instead of finding one file per command.
import AgentCommand from './commands/agent.js';
import Compare from './commands/compare.js';
import ControllerCommand from './commands/controller.js';
import Diff from './commands/diff.js';
import Report from './commands/report.js';
import Run from './commands/run.js';
import Target from './commands/target.js';
import commandNotFound from './hooks/command-not-found.js';

/** The commands, by id (the workspace's oclif finds the same ones as files in dist/commands). */
export const COMMANDS = {
  agent: AgentCommand,
  compare: Compare,
  controller: ControllerCommand,
  diff: Diff,
  report: Report,
  run: Run,
  target: Target,
};

export { commandNotFound };
