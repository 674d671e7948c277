import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControllerEvent } from '@volley/controller';
import { type Plan, parseDuration } from '@volley/plan';
import { UsageError } from './errors.js';
import { RunMetrics } from './run-metrics.js';

/** How long the endpoint stays up after the run by default: one default Prometheus scrape interval. */
export const DEFAULT_METRICS_LINGER = '15s';

/** A Prometheus endpoint fed by the controller's events: what Grafana graphs during a long run. */
export interface MetricsServer {
  /** Listen on this to feed it. */
  readonly listener: (event: ControllerEvent) => void;
  readonly url: string;
  /**
   * Keeps serving the final values for `ms` after the run, so that a scrape after the last interval still comes;
   * ends early on Ctrl-C or SIGTERM. Resolves at once for 0.
   */
  linger(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** `9464` (loopback) or `HOST:PORT` (`0.0.0.0:9464` to be scraped from elsewhere, as in Kubernetes). */
export function parseMetricsAddress(text: string): { host: string; port: number } {
  const m = /^(?:(\[[^\]]+\]|[^:]+):)?(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--metrics-port must be PORT or HOST:PORT, got ${JSON.stringify(text)}`);
  }
  return { host: (m[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port };
}

/** `--metrics-linger`: a duration (`15s`, `0`), at most an hour. Throws UsageError. */
export function parseMetricsLinger(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new UsageError(`--metrics-linger must be a duration such as 15s or 0, got ${JSON.stringify(text)}`);
  }
  if (ms > 3_600_000) throw new UsageError(`--metrics-linger is at most 1h, got ${JSON.stringify(text)}`);
  return ms;
}

/**
 * Serves `/metrics` (any query string) in the Prometheus text format. See RunMetrics for what it holds: a
 * latency histogram in seconds and counters, which Prometheus can add over agents and runs and take quantiles of.
 */
export async function startMetricsServer(address: string, plan: Plan): Promise<MetricsServer> {
  const { host, port } = parseMetricsAddress(address);
  // Loaded only when asked for, so runs without --metrics-port start no slower.
  const metrics = new RunMetrics(await import('prom-client'), plan);
  const { registry } = metrics;

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404).end('volley: metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(req.method === 'HEAD' ? '' : text),
      (err: Error) => res.writeHead(500).end(err.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new UsageError(`cannot serve metrics on ${address}: ${err.code ?? err.message}`)),
    );
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    listener: (event) => metrics.listener(event),
    url: `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}/metrics`,
    linger: (ms) => lingerFor(ms),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits `ms`, or until Ctrl-C or SIGTERM: the run is over, so a signal only cuts the wait short. */
function lingerFor(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
