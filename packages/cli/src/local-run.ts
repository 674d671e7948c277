import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Agent } from '@volley/agent';
import { Controller, type ControllerEvent } from '@volley/controller';
import type { Plan } from '@volley/plan';
import type { Logger } from 'pino';
import type { Abortable } from './conduct.js';
import { selfCommand } from './self-command.js';

/**
 * `volley run`: a controller on an ephemeral loopback port and agents that join it through the real protocol, so
 * a local run takes exactly the path of a distributed one. One agent runs in this process; with `agents` > 1,
 * each is a child process (`volley agent --once`), so the run can use every core.
 */
export function startLocalRun(
  plan: Plan,
  logger: Logger,
  toolVersion: string,
  agents = 1,
  onEvent?: (event: ControllerEvent) => void,
  workers = 1,
  /** Where an agent process's log lines go (they are JSON lines): this process's log. */
  logLine: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Abortable & { close(): Promise<void> } {
  // A random token keeps other local processes from joining the controller while it waits.
  const token = randomBytes(16).toString('hex');
  const controller = new Controller({
    host: '127.0.0.1',
    port: 0,
    agents,
    plan,
    toolVersion,
    token,
    logger,
    startDelayMs: agents > 1 ? 100 : 0,
    waitTimeoutMs: 30_000,
    ...(onEvent ? { onEvent } : {}),
  });
  const children: ChildProcess[] = [];
  let agent: Agent | undefined;
  let session: Promise<void> | undefined;
  const result = (async () => {
    const url = await controller.listen();
    if (agents === 1) {
      agent = new Agent({ url, token, name: 'local', logger, workers });
      session = agent.serve();
    } else {
      for (let i = 0; i < agents; i++) {
        children.push(spawnAgent(url, token, `local-${i + 1}`, logger.level, workers, logLine));
      }
    }
    return controller.run();
  })();
  // The result is out before anything is closed: the session reports first, then calls this.
  const close = async (): Promise<void> => {
    agent?.stop();
    await controller.close();
    await session?.catch(() => {});
    await Promise.all(children.map(stopChild));
  };
  return { result, abort: (reason) => controller.abort(reason), close };
}

/**
 * A local agent process; the token travels in its environment, not on a command line others can read. Its log
 * lines (JSON) come back through a pipe to `logLine`, so this process writes them above its progress line.
 */
function spawnAgent(
  url: string,
  token: string,
  name: string,
  logLevel: string,
  workers: number,
  logLine: (line: string) => void,
): ChildProcess {
  const args = [
    'agent',
    '--connect',
    url,
    '--name',
    name,
    '--once',
    // Ctrl-C at a terminal signals the whole process group: this agent must not die of it with its last
    // interval unsent. The run aborts it over the protocol instead, and it flushes and says Finished.
    '--ignore-sigint',
    '--log-level',
    logLevel,
    '--workers',
    `${workers}`,
    '--log-format',
    'json',
    // Its "connecting" line names an internal id the user never asked for: the run says what it does.
    '--no-banner',
  ];
  const self = selfCommand();
  const child = spawn(self.command, [...self.args, ...args], {
    env: { ...process.env, VOLLEY_TOKEN: token },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (child.stderr) createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on('line', logLine);
  return child;
}

/** Lets a finished agent exit on its own, and makes sure one that does not is gone. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
