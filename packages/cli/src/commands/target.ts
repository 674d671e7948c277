import { Flags } from '@oclif/core';
import { parseDuration } from '@volley/plan';
import { startTarget } from '@volley/target';
import { VolleyCommand } from '../base-command.js';

export default class TargetCommand extends VolleyCommand {
  static override summary = 'Serve the built-in HTTP target, to aim load at.';
  static override description =
    'Answers every request with --status and a body of --body-size bytes after --latency (or a latency drawn ' +
    'between --latency and --latency-max). A query can override this per request: ?status=503, ?delay=250 (ms), ' +
    '?size=1024, ?reset=1 (drop the connection), ?stall=1 (never answer). Stops on Ctrl-C.';
  static override examples = [
    '<%= config.bin %> target --port 8080',
    '<%= config.bin %> target --port 8080 --latency 5ms --latency-max 50ms --body-size 1024',
  ];
  static override flags = {
    host: Flags.string({ default: '127.0.0.1', summary: 'Address to listen on.' }),
    port: Flags.integer({
      char: 'p',
      default: 8080,
      min: 0,
      max: 65535,
      summary: 'Port to listen on (0: any free port).',
    }),
    latency: Flags.string({ default: '0ms', summary: 'Latency before answering: 0ms, 20ms, 1s.' }),
    'latency-max': Flags.string({ summary: 'With --latency: draw each latency uniformly up to this.' }),
    status: Flags.integer({ default: 200, summary: 'HTTP status of every answer.' }),
    'body-size': Flags.integer({ default: 2, min: 0, summary: 'Bytes in every answer body.' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TargetCommand);
    const latencyMs = parseDuration(flags.latency);
    const target = await startTarget({
      host: flags.host,
      port: flags.port,
      latencyMs,
      latencyMaxMs: flags['latency-max'] === undefined ? latencyMs : parseDuration(flags['latency-max']),
      status: flags.status,
      bodySize: flags['body-size'],
    });
    this.log(`volley target listening on ${target.url}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const { requests, connections } = target.stats();
    await target.close();
    this.log(`volley target served ${requests} requests on ${connections} connections`);
  }
}
