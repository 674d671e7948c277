import { Flags } from '@oclif/core';
import { parseDuration } from '@volley/plan';
import { type JourneyUser, startJourneyServer, startTarget } from '@volley/target';
import { VolleyCommand } from '../base-command.js';
import { MiB, readBounded } from '../bounded-read.js';
import { UsageError } from '../errors.js';
import { DataFileError, parseCsv } from '../scenario/csv.js';

export default class TargetCommand extends VolleyCommand {
  static override summary = 'Serve the built-in HTTP target, to aim load at.';
  static override description =
    'Answers every request with --status and a body of --body-size bytes after --latency (or a latency drawn ' +
    'between --latency and --latency-max). A query can override this per request: ?status=503, ?delay=250 (ms), ' +
    '?size=1024, ?reset=1 (drop the connection), ?stall=1 (never answer). Stops on Ctrl-C. With --journeys it ' +
    'is a small shop to try journeys on instead: POST /login (JSON user and password) answers a token and a ' +
    'session cookie, GET /me and POST /order want both.';
  static override examples = [
    '<%= config.bin %> target --port 8080',
    '<%= config.bin %> target --port 8080 --latency 5ms --latency-max 50ms --body-size 1024',
    '<%= config.bin %> target --journeys --users users.csv',
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
    journeys: Flags.boolean({ summary: 'Serve the journey shop (/login, /me, /order) instead.' }),
    users: Flags.string({
      summary:
        'With --journeys: who may log in, a CSV with name and password columns (default: any name, password pw-NAME).',
      dependsOn: ['journeys'],
    }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(TargetCommand);
    if (flags.journeys) return this.serveJourneys(flags.host, flags.port, flags.users);
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

  private async serveJourneys(host: string, port: number, usersFile: string | undefined): Promise<void> {
    const users = usersFile === undefined ? undefined : await readUsers(usersFile);
    const server = await startJourneyServer({ host, port, ...(users ? { users } : {}) });
    this.log(`volley target (journeys) listening on ${server.url}`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    const stats = server.stats();
    await server.close();
    const logins = Object.values(stats.logins).reduce((a, b) => a + b, 0);
    this.log(`volley target served ${logins} logins, ${stats.orders} orders, ${stats.unauthorized} refused`);
  }
}

/** The users a journey target lets log in, from a CSV with `name` and `password` columns. */
async function readUsers(file: string): Promise<JourneyUser[]> {
  const text = (await readBounded(file, 16 * MiB, `cannot read ${file}`)).toString('utf8');
  let table: ReturnType<typeof parseCsv>;
  try {
    table = parseCsv(text, { left: 16 * MiB }, (line) => new DataFileError('too big', line, 1));
  } catch (err) {
    if (err instanceof DataFileError) throw new UsageError(`${file}:${err.line}:${err.col}: ${err.message}`);
    throw err;
  }
  const name = table.columns.indexOf('name');
  const password = table.columns.indexOf('password');
  if (name < 0 || password < 0) throw new UsageError(`${file}: needs a name and a password column`);
  return table.rows.map((row) => ({ name: row[name] ?? '', password: row[password] ?? '' }));
}
