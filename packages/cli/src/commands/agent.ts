import { readFile } from 'node:fs/promises';
import { Flags } from '@oclif/core';
import { Agent, type AgentOptions, AgentRejectedError, ControllerMismatchError, LimitsError } from '@volley/agent';
import { MAX_CONNECTIONS, parseDuration, parseRate } from '@volley/plan';
import { VolleyCommand } from '../base-command.js';
import { UsageError } from '../errors.js';
import { agentTimeoutFlag, parseWorkers, workersFlag } from '../flags.js';

export default class AgentCommand extends VolleyCommand {
  static override summary = 'Join a controller and run its share of every load test it starts.';
  static override description =
    'Connects to a `volley controller`, runs the share of the plan it is given and streams one histogram per ' +
    'second. Between runs, and while the controller is unreachable, it reconnects with backoff; --once stops ' +
    'after one run. It stops firing at once if the controller falls silent for --agent-timeout. ' +
    'Its operator can restrict it with --allow-target, --max-rate and --max-connections: it refuses a plan ' +
    'outside them before opening anything, leaving the controller with a close reason that names the limit.';
  static override examples = [
    'VOLLEY_TOKEN=s3cret <%= config.bin %> agent --connect ws://10.0.0.1:7777 --name east-1',
    '<%= config.bin %> agent --connect wss://controller.example:7777 --ca ca.pem --token s3cret --once',
    '<%= config.bin %> agent --connect ws://10.0.0.1:7777 --allow-target 10.20.0.0/16 --max-rate 2k --max-connections 200',
  ];
  static override flags = {
    ...agentTimeoutFlag,
    connect: Flags.string({ required: true, summary: 'The controller: ws://HOST:PORT or wss://HOST:PORT.' }),
    token: Flags.string({ env: 'VOLLEY_TOKEN', summary: 'Shared secret of the controller (or VOLLEY_TOKEN).' }),
    name: Flags.string({ summary: 'Name in reports (default: host name).' }),
    ca: Flags.string({ summary: 'Also trust this CA certificate (PEM) for wss://.' }),
    once: Flags.boolean({ summary: 'Exit after one run instead of waiting for the next.' }),
    'allow-target': Flags.string({
      multiple: true,
      summary: 'Fire only at this host name, IP address or CIDR (10.0.0.0/8), repeatable; names are not resolved.',
    }),
    'max-rate': Flags.string({
      summary: 'Refuse a plan asking this agent for more requests per second (500, 2.5k), and any closed-model plan.',
    }),
    'max-connections': Flags.integer({
      min: 1,
      max: MAX_CONNECTIONS,
      summary: 'Refuse a plan asking this agent for more connections.',
    }),
    // For the agents `volley run --agents N` starts: they share its process group, so a terminal's Ctrl-C
    // reaches them too, and the run stops them over the protocol, with their last interval, instead.
    'ignore-sigint': Flags.boolean({ hidden: true, summary: 'Ignore SIGINT (SIGTERM still stops the agent).' }),
    banner: Flags.boolean({
      hidden: true,
      default: true,
      allowNo: true,
      summary: 'Say "volley agent ID connecting to URL" on stderr (not for the agents volley run starts).',
    }),
    ...workersFlag,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(AgentCommand);
    if (!/^wss?:\/\/[^/]+/.test(flags.connect)) {
      throw new UsageError(`--connect must be ws://HOST:PORT or wss://HOST:PORT, got ${JSON.stringify(flags.connect)}`);
    }
    const ca = flags.ca
      ? await readFile(flags.ca).catch((err: NodeJS.ErrnoException) => {
          throw new UsageError(`cannot read ${flags.ca}: ${err.code ?? err.message}`);
        })
      : undefined;
    const workers = parseWorkers(flags.workers);
    const limits = {
      ...(flags['allow-target'] ? { allowTargets: flags['allow-target'] } : {}),
      ...(flags['max-rate'] !== undefined ? { maxRate: parseRate(flags['max-rate'], '--max-rate') } : {}),
      ...(flags['max-connections'] !== undefined ? { maxConnections: flags['max-connections'] } : {}),
    };
    const agent = this.agent({
      limits,
      url: flags.connect,
      workers,
      logger: this.createLogger(flags['log-level'], flags['log-format']),
      agentTimeoutMs: parseDuration(flags['agent-timeout']),
      ...(flags.token ? { token: flags.token } : {}),
      ...(flags.name ? { name: flags.name } : {}),
      ...(ca ? { ca } : {}),
    });
    const stop = (): void => agent.stop();
    // A listener that does nothing keeps Node from dying of any SIGINT; otherwise a second Ctrl-C kills.
    const onInterrupt = flags['ignore-sigint'] ? (): void => {} : stop;
    if (flags['ignore-sigint']) process.on('SIGINT', onInterrupt);
    else process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', stop);
    if (flags.banner) process.stderr.write(`volley agent ${agent.id} connecting to ${flags.connect}\n`);
    try {
      await agent.serveForever(flags.once);
    } catch (err) {
      // A refusal (wrong token, other protocol version) or the wrong scheme is the operator's to fix: one line, exit 2.
      if (err instanceof AgentRejectedError || err instanceof ControllerMismatchError)
        throw new UsageError(err.message);
      throw err;
    } finally {
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', stop);
    }
  }

  /** The agent, or one line and exit 2 when its limits make no sense. */
  private agent(options: AgentOptions): Agent {
    try {
      return new Agent(options);
    } catch (err) {
      if (err instanceof LimitsError) throw new UsageError(err.message);
      throw err;
    }
  }
}
