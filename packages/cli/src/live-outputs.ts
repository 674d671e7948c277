import { randomBytes } from 'node:crypto';
import type { ControllerEvent } from '@volley/controller';
import type { Result } from '@volley/metrics';
import type { Plan } from '@volley/plan';
import type { Threshold } from '@volley/report';
import { type Dashboard, parseDashboardAddress, startDashboard } from './dashboard-server.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';

/** What a session serves while its run goes: Prometheus metrics and the live dashboard, each if asked for. */
export interface LiveOutputOptions {
  plan: Plan;
  thresholds: readonly Threshold[];
  metricsPort: string | undefined;
  metricsLingerMs: number;
  dashboard?: string | undefined;
  /** The token the dashboard asks for beyond loopback: the controller's; a fresh one when there is none. */
  dashboardToken?: string | undefined;
  expectedAgents: number;
  say(line: string): void;
}

/** The servers a session feeds; every method is safe to call when neither was asked for. */
export interface LiveOutputs {
  readonly listener: (event: ControllerEvent) => void;
  /** The run, once started, so that the dashboard's Stop can abort it. */
  stopWith(abort: (reason: string) => void): void;
  /** After the report: the dashboard turns into it; metrics serve the final values for their linger. */
  afterReport(result: Result, closeRun: () => Promise<void>): Promise<void>;
  close(): Promise<void>;
}

/** Starts what was asked for (nothing is sent until the run starts); UsageError on a bad or busy address. */
export async function startLiveOutputs(options: LiveOutputOptions): Promise<LiveOutputs> {
  let metrics: MetricsServer | undefined;
  let dashboard: Dashboard | undefined;
  let abort: ((reason: string) => void) | undefined;
  let stopAsked = false;
  const stop = (): void => {
    stopAsked = true;
    abort?.('stopped from the dashboard');
  };
  const close = async (): Promise<void> => {
    await metrics?.close();
    await dashboard?.close();
  };
  try {
    if (options.metricsPort) metrics = await startMetricsServer(options.metricsPort, options.plan);
    if (options.dashboard) {
      const given = options.dashboardToken;
      const token = given ?? randomBytes(16).toString('hex');
      const { host } = parseDashboardAddress(options.dashboard);
      dashboard = await startDashboard({ ...options, address: options.dashboard, token, onStop: stop });
      // The controller's own token is the operator's secret: named, not printed. A fresh one is this run's only.
      const url =
        given && !['127.0.0.1', '::1', 'localhost'].includes(host)
          ? dashboard.url.replace(/\?token=.*$/, '?token=<--token>')
          : dashboard.url;
      options.say(`volley: live dashboard at ${url}`);
    }
  } catch (err) {
    await close();
    throw err;
  }
  return {
    listener: (event) => {
      metrics?.listener(event);
      dashboard?.listener(event);
    },
    stopWith: (fn) => {
      abort = fn;
      if (stopAsked) fn('stopped from the dashboard');
    },
    afterReport: async (result, closeRun) => {
      await dashboard?.finish(result);
      if (metrics && options.metricsLingerMs > 0) {
        // The report is out and the run's sockets closed; the final values stay up for one more scrape or so.
        await closeRun();
        options.say(`metrics stay at ${metrics.url} for ${options.metricsLingerMs / 1000}s (Ctrl-C ends it)`);
        await metrics.linger(options.metricsLingerMs);
      }
    },
    close,
  };
}
