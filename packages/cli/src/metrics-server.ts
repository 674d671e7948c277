import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ControllerEvent } from '@volley/controller';
import { UsageError } from './errors.js';

/** A Prometheus endpoint fed by the controller's events: what Grafana graphs during a long run. */
export interface MetricsServer {
  /** Listen on this to feed it. */
  readonly listener: (event: ControllerEvent) => void;
  readonly url: string;
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

/**
 * Serves `/metrics` in the Prometheus text format (prom-client): running counters of requests and errors, and
 * the last merged interval's rate and latency percentiles (gauges: the percentiles are exact, computed from the
 * merged HdrHistogram, so they are exported as figures rather than re-estimated by a client-side summary).
 */
export async function startMetricsServer(address: string): Promise<MetricsServer> {
  const { host, port } = parseMetricsAddress(address);
  // Loaded only when asked for, so runs without --metrics-port start no slower.
  const { Counter, Gauge, Registry } = await import('prom-client');
  const registry = new Registry();
  const requests = new Counter({
    name: 'volley_requests_total',
    help: 'Requests ended (with a response or an error), all agents.',
    registers: [registry],
  });
  const errors = new Counter({
    name: 'volley_request_errors_total',
    help: 'Requests that ended without a response, all agents.',
    registers: [registry],
  });
  const rps = new Gauge({
    name: 'volley_requests_per_second',
    help: 'Requests per second in the last merged interval.',
    registers: [registry],
  });
  const latency = new Gauge({
    name: 'volley_latency_milliseconds',
    help: 'Latency percentiles of the last merged interval (exact, from the merged HdrHistogram).',
    labelNames: ['quantile'],
    registers: [registry],
  });
  const agents = new Gauge({ name: 'volley_agents', help: 'Agents taking part and not lost.', registers: [registry] });
  const elapsed = new Gauge({
    name: 'volley_elapsed_seconds',
    help: 'Time covered by the merged intervals so far.',
    registers: [registry],
  });

  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('volley: metrics are at /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
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
  const listener = (event: ControllerEvent): void => {
    if (event.type === 'started') agents.set(event.agents);
    if (event.type !== 'interval') return;
    requests.inc(event.interval.requests);
    errors.inc(event.interval.errors);
    rps.set(event.interval.rps);
    latency.set({ quantile: '0.5' }, event.interval.p50);
    latency.set({ quantile: '0.9' }, event.interval.p90);
    latency.set({ quantile: '0.99' }, event.interval.p99);
    latency.set({ quantile: '1' }, event.interval.max);
    agents.set(event.agents);
    elapsed.set(event.total.elapsedMs / 1000);
  };
  return {
    listener,
    url: `http://${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
