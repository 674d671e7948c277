import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import type { ControllerEvent } from '@volley/controller';
import type { Result } from '@volley/metrics';
import { parseDuration } from '@volley/plan';
import { createController } from '../api/distributed.js';
import { VolleyCommand } from '../base-command.js';
import { UsageError } from '../errors.js';
import { agentTimeoutFlag, outputFlags, planFlags, thresholdFlags, urlArg } from '../flags.js';
import { planFromInput } from '../plan-input.js';
import { runSession, sessionOptions } from '../session.js';

export default class ControllerCommand extends VolleyCommand {
  static override summary = 'Run a load test from many machines: wait for agents, split the plan, merge results.';
  static override description =
    'Listens for --agents agents (`volley agent --connect ws://HOST:PORT`), gives each its share of the plan, ' +
    'starts them together and merges their histograms into one exact report, printed and written like ' +
    '`volley run`. Ctrl-C aborts every agent and still reports.';
  static override examples = [
    'VOLLEY_TOKEN=s3cret <%= config.bin %> controller http://10.0.0.5:8080/ --listen 0.0.0.0:7777 --agents 2 -c 100 -d 1m',
    '<%= config.bin %> controller http://10.0.0.5:8080/ --agents 3 --tls-cert cert.pem --tls-key key.pem --token s3cret',
  ];
  static override enableJsonFlag = true;
  static override args = urlArg;
  static override flags = {
    ...planFlags,
    ...outputFlags,
    ...thresholdFlags,
    ...agentTimeoutFlag,
    listen: Flags.string({ default: '0.0.0.0:7777', summary: 'Address agents connect to, HOST:PORT.' }),
    agents: Flags.integer({ min: 1, max: 10_000, default: 1, summary: 'Agents to wait for before starting.' }),
    'wait-timeout': Flags.string({
      default: '0',
      summary: 'Give up if the agents have not all joined by then (0: wait).',
    }),
    token: Flags.string({ env: 'VOLLEY_TOKEN', summary: 'Shared secret agents must present (or VOLLEY_TOKEN).' }),
    'insecure-no-token': Flags.boolean({
      summary: 'Listen beyond loopback without --token: anyone who can reach --listen may join and get the plan.',
    }),
    'tls-cert': Flags.string({ summary: 'Serve wss:// with this certificate (PEM).', dependsOn: ['tls-key'] }),
    'tls-key': Flags.string({ summary: 'Private key (PEM) of --tls-cert.', dependsOn: ['tls-cert'] }),
  };

  async run(): Promise<Result> {
    const { args, flags } = await this.parse(ControllerCommand);
    const { plan, thresholds } = await planFromInput(args.url, flags, 'missing URL: the target every agent will load');
    if (flags.agents > plan.connections) {
      throw new UsageError(`--agents ${flags.agents} needs at least as many connections, got -c ${plan.connections}`);
    }
    const { host, port } = parseListen(flags.listen);
    checkToken(flags.token, host, flags['insecure-no-token']);
    const tls = flags['tls-cert'] && flags['tls-key'] ? await readTls(flags['tls-cert'], flags['tls-key']) : undefined;
    const logger = this.createLogger(flags['log-level'], flags['log-format']);
    const session = { ...sessionOptions(plan, thresholds, flags, this.jsonEnabled()), describe: describeEvent };
    return runSession(session, async ({ onEvent, say }) => {
      const controller = createController({
        plan,
        agents: flags.agents,
        host,
        port,
        logger,
        agentTimeoutMs: parseDuration(flags['agent-timeout']),
        waitTimeoutMs: parseDuration(flags['wait-timeout']),
        token: flags.token,
        tls,
        onEvent,
      });
      const url = await controller.listen().catch(async (err: NodeJS.ErrnoException) => {
        await controller.close();
        throw new UsageError(`cannot listen on ${flags.listen}: ${err.code ?? err.message}`);
      });
      if (!flags.token && !isLoopback(host)) {
        say(`volley: WARNING: --insecure-no-token: anyone who can reach ${flags.listen} can join and get the plan`);
      }
      say(`volley controller listening on ${url}, waiting for ${flags.agents} agent${flags.agents > 1 ? 's' : ''}`);
      return { result: controller.run(), abort: (reason) => controller.abort(reason), close: () => controller.close() };
    });
  }
}

function describeEvent(event: Exclude<ControllerEvent, { type: 'interval' }>): string | undefined {
  switch (event.type) {
    case 'joined':
      return `agent ${event.name} (${event.host}) joined: ${event.joined}/${event.of}`;
    case 'started':
      return `all ${event.agents} agents joined; run started (start spread ≤ ${event.spreadMs.toFixed(1)} ms)`;
    case 'lost':
      return `agent ${event.name} LOST: ${event.reason}; the run goes on with the others`;
    case 'ready':
      return undefined;
  }
}

/** HOST:PORT, [v6]:PORT, or a bare PORT (all interfaces). */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(text) ?? /^()()(\d+)$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--listen must be HOST:PORT, got ${JSON.stringify(text)}`);
  }
  return { host: m[1] || m[2] || '0.0.0.0', port };
}

/**
 * A controller beyond loopback without a token hands its plan (headers included) to whoever connects first, so
 * it is refused unless the operator says so; an empty token would be a secret anyone can guess.
 */
export function checkToken(token: string | undefined, host: string, insecureNoToken: boolean): void {
  if (token === '') throw new UsageError('--token is empty: give a secret, or leave --token and VOLLEY_TOKEN unset');
  if (token === undefined && !isLoopback(host) && !insecureNoToken) {
    throw new UsageError(
      `listening on ${host} without --token lets anyone join and get the plan: give --token (or VOLLEY_TOKEN), ` +
        'listen on 127.0.0.1, or pass --insecure-no-token',
    );
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

async function readTls(certPath: string, keyPath: string): Promise<{ cert: Buffer; key: Buffer }> {
  const read = (path: string) =>
    readFile(path).catch((err: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${path}: ${err.code ?? err.message}`);
    });
  return { cert: await read(certPath), key: await read(keyPath) };
}
