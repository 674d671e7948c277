import { Agent, type OperatorLimits } from '@volley/agent';
import { Controller, type ControllerEvent } from '@volley/controller';
import type { Result } from '@volley/metrics';
import { type Plan, parseDuration } from '@volley/plan';
import type { Logger } from 'pino';
import { UsageError } from '../errors.js';
import { applyThresholds, parseThresholds } from '../thresholds.js';
import { version } from '../version.js';
import { intervalListener, type LoadOptions, type LogLevel, onAbort, planOf } from './options.js';
import { apiLogger, workersOf } from './run.js';

/** A controller: `volley controller` as a function. */
export interface ControllerRunOptions extends LoadOptions {
  /** Agents to wait for before starting. */
  agents: number;
  /** Where agents connect (default 127.0.0.1, port 0: a free one; see `url`). */
  host?: string;
  port?: number;
  /** Shared secret agents must present. Required to listen beyond loopback. */
  token?: string;
  /** Serve wss:// with this certificate and key (PEM). */
  tls?: { cert: string | Uint8Array; key: string | Uint8Array };
  /** Give up when the agents have not all joined by then (ms or '30s'; 0, the default, waits). */
  waitTimeout?: number | string;
  /** How long a silent agent is waited on before it counts as lost (ms or '5s'). */
  agentTimeout?: number | string;
  /** Agents joining, starting and getting lost. */
  onEvent?: (event: Exclude<ControllerEvent, { type: 'interval' }>) => void;
}

/** A controller listening for its agents. */
export interface ControllerRun {
  /** ws:// (or wss://) address to give the agents. */
  readonly url: string;
  /** The run's Result once every agent finished or was lost; the controller has closed by then. */
  readonly result: Promise<Result>;
  abort(reason?: string): void;
}

/** One controller for the CLI's `controller` command and for `runController`: the plan, the agents, the events. */
export interface ControllerSetup {
  plan: Plan;
  agents: number;
  host: string;
  port: number;
  logger: Logger;
  token?: string | undefined;
  tls?: { cert: string | Buffer; key: string | Buffer } | undefined;
  waitTimeoutMs?: number;
  agentTimeoutMs?: number;
  onEvent?: ((event: ControllerEvent) => void) | undefined;
}

/** The Controller both entry points run; `listen()` and `run()` are the caller's. */
export function createController(setup: ControllerSetup): Controller {
  return new Controller({
    host: setup.host,
    port: setup.port,
    agents: setup.agents,
    plan: setup.plan,
    toolVersion: version,
    logger: setup.logger,
    ...(setup.agentTimeoutMs !== undefined ? { agentTimeoutMs: setup.agentTimeoutMs } : {}),
    ...(setup.waitTimeoutMs !== undefined ? { waitTimeoutMs: setup.waitTimeoutMs } : {}),
    ...(setup.token ? { token: setup.token } : {}),
    ...(setup.tls ? { tls: setup.tls } : {}),
    ...(setup.onEvent ? { onEvent: setup.onEvent } : {}),
  });
}

const durationMs = (value: number | string | undefined): number | undefined =>
  typeof value === 'string' ? parseDuration(value) : value;

/**
 * Listens for `agents` agents (`runAgent`, or `volley agent --connect URL`), gives each its share of the plan,
 * starts them together and merges their histograms: resolves once listening, with the address and the result
 * to come. Bad options reject before anything listens.
 */
export async function runController(options: ControllerRunOptions): Promise<ControllerRun> {
  const { plan, thresholds: exprs } = await planOf(options);
  const thresholds = parseThresholds(exprs);
  const host = options.host ?? '127.0.0.1';
  if (!options.token && !/^(127\.|localhost$|::1$)/.test(host)) {
    throw new UsageError(`listening on ${host} needs a token: without one anyone who can reach it gets the plan`);
  }
  const intervals = intervalListener(options);
  const { onEvent } = options;
  const controller = createController({
    plan,
    agents: options.agents,
    host,
    port: options.port ?? 0,
    logger: apiLogger(options.logLevel),
    token: options.token,
    tls: options.tls ? { cert: pem(options.tls.cert), key: pem(options.tls.key) } : undefined,
    ...optional('waitTimeoutMs', durationMs(options.waitTimeout)),
    ...optional('agentTimeoutMs', durationMs(options.agentTimeout)),
    onEvent: (event) => {
      if (event.type === 'interval') intervals?.(event);
      else onEvent?.(event);
    },
  });
  const url = await controller.listen().catch(async (err: unknown) => {
    await controller.close();
    throw err;
  });
  const unhook = onAbort(options.signal, (reason) => controller.abort(reason));
  const result = controller.run().then((r) => {
    applyThresholds(r, thresholds);
    return r;
  });
  const closed = result.finally(async () => {
    unhook();
    await controller.close();
  });
  return { url, result: closed, abort: (reason = 'aborted') => controller.abort(reason) };
}

/** PEM text as given, or its bytes as the Buffer TLS takes. */
const pem = (value: string | Uint8Array): string | Buffer => (typeof value === 'string' ? value : Buffer.from(value));

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

/** An agent: `volley agent` as a function. */
export interface AgentRunOptions {
  /** The controller: ws://HOST:PORT or wss://HOST:PORT. */
  connect: string;
  token?: string;
  /** Name in reports (default: host name). */
  name?: string;
  /** Extra CA certificate (PEM) to trust for wss://. */
  ca?: string | Uint8Array;
  /** Engine threads (a number, or 'auto'); default 1. */
  workers?: number | 'auto';
  /** Leave after one run (default true); false serves run after run, reconnecting, until `stop()`. */
  once?: boolean;
  /** The operator's limits: this agent refuses a plan outside them. */
  limits?: OperatorLimits;
  /** Dead-man's switch: stop firing when the controller is silent this long (ms or '5s'). */
  agentTimeout?: number | string;
  logLevel?: LogLevel;
}

/** An agent serving its controller. */
export interface AgentRun {
  readonly id: string;
  /** Settles when the agent has left: after its run with `once`, after `stop()` otherwise. */
  readonly done: Promise<void>;
  stop(): void;
}

/** Joins a controller and runs its share of the plan; an agent the controller refuses rejects `done`. */
export function runAgent(options: AgentRunOptions): AgentRun {
  const agentTimeoutMs = durationMs(options.agentTimeout);
  const agent = new Agent({
    url: options.connect,
    logger: apiLogger(options.logLevel),
    workers: workersOf(options.workers),
    ...(options.token ? { token: options.token } : {}),
    ...(options.name ? { name: options.name } : {}),
    ...(options.ca ? { ca: pem(options.ca) } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(agentTimeoutMs !== undefined ? { agentTimeoutMs } : {}),
  });
  return { id: agent.id, done: agent.serveForever(options.once ?? true), stop: () => agent.stop() };
}
