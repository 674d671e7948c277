import { availableParallelism } from 'node:os';
import { Args, Flags } from '@oclif/core';
import { CLIENT_NAMES, DEFAULT_CONNECTIONS, DEFAULT_OPEN_CONNECTIONS, MAX_PIPELINING } from '@volley/plan';
import { FORMAT_NAMES, FORMATS } from '@volley/report';
import { UsageError } from './errors.js';

/** The plan flags of every command that runs load (`run`, and later `controller` and `compare`). */
export const planFlags = {
  connections: Flags.integer({
    char: 'c',
    min: 1,
    summary: `Connections, each with one request in flight. Default ${DEFAULT_CONNECTIONS}; ${DEFAULT_OPEN_CONNECTIONS} with --rate.`,
  }),
  rate: Flags.string({
    char: 'R',
    summary: 'Open model: send this many requests per second whatever the server does; -c caps the connections.',
  }),
  stage: Flags.string({
    multiple: true,
    summary:
      "Ramp linearly to a target over a duration, k6-style, repeatable: '30s:500/s' (rate) or '30s:50' (connections).",
  }),
  duration: Flags.string({
    char: 'd',
    summary: 'How long to run: 500ms, 10s, 1m30s (a bare number is seconds). Default 10s.',
    exclusive: ['requests'],
  }),
  requests: Flags.integer({
    char: 'n',
    min: 1,
    summary: 'Stop after this many requests (with a scenario flow: iterations) instead of after a duration.',
    exclusive: ['duration'],
  }),
  client: Flags.option({
    options: CLIENT_NAMES,
    summary: 'pooled (default): keep-alive connections reused; per-request: a fresh connection for every request.',
  })(),
  scenario: Flags.string({
    summary:
      'Scenario file (YAML): a flow of steps with test data, or named requests by weight, and the load; flags override it.',
  }),
  method: Flags.string({ char: 'm', summary: 'HTTP method. Default GET.' }),
  header: Flags.string({
    char: 'H',
    multiple: true,
    summary: "Request header 'Name: value' (repeatable). Requests carry 'User-Agent: volley/VERSION' unless set here.",
  }),
  redact: Flags.string({
    multiple: true,
    summary:
      'Mask this header in results and reports, repeatable (authorization, proxy-authorization, cookie and ' +
      'set-cookie always are); requests still carry its value.',
  }),
  body: Flags.string({ char: 'b', summary: "Request body; '@FILE' reads it from FILE, as curl does." }),
  'body-file': Flags.string({ summary: 'Request body from this file (at most 64 MiB).', exclusive: ['body'] }),
  timeout: Flags.string({
    summary: 'Give up on a request whose whole exchange (connect, headers, body) takes longer. Default 10s.',
  }),
  pipelining: Flags.integer({
    char: 'p',
    min: 1,
    max: MAX_PIPELINING,
    summary: 'Requests in flight per connection: HTTP/1.1 pipelining, or HTTP/2 streams with --http2. Default 1.',
  }),
  http2: Flags.boolean({ summary: 'Use HTTP/2 when the server offers it (https:// URLs; negotiated by ALPN).' }),
  insecure: Flags.boolean({
    char: 'k',
    summary: "Accept any TLS certificate (self-signed test servers). Don't use it against anything you do not own.",
  }),
};

/** How a result is rendered, from @volley/report's one registry, so `run`, `controller` and `report` agree. */
export const formatFlag = {
  format: Flags.option({
    options: FORMAT_NAMES,
    default: 'text' as const,
    summary: 'How to render the result (each format is described below).',
    description: FORMAT_NAMES.map((name) => `${name}: ${FORMATS[name].summary}.`).join('\n'),
  })(),
};

/** How a finished run is shown and saved. */
export const outputFlags = {
  ...formatFlag,
  output: Flags.string({ char: 'o', summary: 'Also write the JSON result document to this file.' }),
  'metrics-port': Flags.string({
    summary: 'Serve live Prometheus metrics at /metrics on PORT (loopback) or HOST:PORT while the run goes.',
  }),
  dashboard: Flags.string({
    summary: 'Serve a live dashboard on PORT (loopback) or HOST:PORT; beyond loopback it asks for the token (?token=).',
  }),
  'metrics-linger': Flags.string({
    default: '15s',
    summary: 'Keep serving the final metrics this long after the run (one scrape interval; 0: close at once).',
  }),
  quiet: Flags.boolean({
    char: 'q',
    summary: 'No live progress (by default: a line redrawn on a terminal, one line per interval otherwise, on stderr).',
  }),
};

/** The target URL argument. */
export const urlArg = {
  url: Args.string({ description: 'Target URL (http:// or https://).', required: false }),
};

/** The dead-man's switch of agents, and how long a controller waits on a silent agent. */
export const agentTimeoutFlag = {
  'agent-timeout': Flags.string({
    default: '5s',
    summary: 'An agent that hears nothing from its controller this long stops firing; a silent agent is lost.',
  }),
};

/** Pass/fail criteria on the merged result (`run`, `controller`, `report`). */
export const thresholdFlags = {
  threshold: Flags.string({
    multiple: true,
    summary:
      "Fail (exit 99) unless the merged result meets it, repeatable: 'p99<250ms', 'p99.9<1s', 'mean<50ms', " +
      "'max<2s', 'error_rate<0.01' (errors and statuses >= 400 over all), 'rps>1000'. A stopped run exits 1.",
  }),
};

/** Engine threads of an agent (`run` gives it to its local agents, `agent` to itself). */
export const workersFlag = {
  workers: Flags.string({
    summary:
      "Engine threads in each agent, each with its share of the load: a number or 'auto' (one per core). Default 1.",
  }),
};

/** `--workers`: a whole number from 1 to 256, or `auto` (the cores this machine has). */
export function parseWorkers(text: string | undefined): number {
  if (text === undefined) return 1;
  if (text === 'auto') return availableParallelism();
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 256) {
    throw new UsageError(`--workers must be a whole number from 1 to 256, or auto, got ${JSON.stringify(text)}`);
  }
  return n;
}
