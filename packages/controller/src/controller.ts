import { randomUUID } from 'node:crypto';
import { buildResult, type IntervalSummary, type MergedInterval, type Result, RunAggregate } from '@volley/metrics';
import { askedRate, describePlan, type Plan, requestWeights, splitPlan } from '@volley/plan';
import { type Message, planToWire } from '@volley/protocol';
import type { Logger } from 'pino';
import { type AgentLink, AgentServer, type AgentServerOptions } from './agent-server.js';
import { Conditions } from './conditions.js';
import { type ControllerEvent, liveInterval } from './events.js';
import { RunIntake } from './intake.js';
import { warmUpOnJoin } from './intake-warm-up.js';

export const DEFAULT_START_DELAY_MS = 200;
/** How long the Start waits for agents to report Ready (warmed up, connections open) before going ahead. */
export const DEFAULT_READY_TIMEOUT_MS = 10_000;
/** How long the start barrier waits for fresh round trips. */
const ROUND_TRIP_WAIT_MS = 1_000;

/** What a controller runs and how it meets its agents. */
export interface ControllerOptions extends Omit<AgentServerOptions, 'logger'> {
  /** Agents to wait for before starting. */
  agents: number;
  plan: Plan;
  toolVersion: string;
  logger: Logger;
  startDelayMs?: number;
  /** Give up waiting for agents after this long (ms); 0 waits forever. */
  waitTimeoutMs?: number;
  /** Start without the agents not Ready after this long (ms): they start when the Start reaches them anyway. */
  readyTimeoutMs?: number;
  /** Agents joining, leaving and getting lost, for a progress display. The controller itself never prints. */
  onEvent?: (event: ControllerEvent) => void;
}

/** The controller could not run (no agents in time, a plan it cannot split). */
export class ControllerError extends Error {
  readonly code: 'WAIT_TIMEOUT' | 'UNSPLITTABLE_PLAN' | 'CLOSED';
  constructor(code: ControllerError['code'], message: string) {
    super(message);
    this.code = code;
  }
}

/** An agent's part in the run. */
interface Member {
  link: AgentLink;
  finished: boolean;
  lost: boolean;
  ready: boolean;
  durationMs: number;
  /** Last measured round trip (ms), from heartbeat echoes; -1 until one came back. */
  rttMs: number;
  /** When the ping behind `rttMs` was sent (controller's performance.now()). */
  rttAt: number;
}

/**
 * The run, in phases: wait for the agents, give each its share of the plan, wait until they are Ready, measure
 * round trips, start everyone together, settle (every agent finished or lost), and build the result. A lost
 * agent leaves what it reported; the run goes on without it. The sockets are AgentServer's.
 */
export class Controller {
  private readonly log: Logger;
  private readonly server: AgentServer;
  private readonly members = new Map<AgentLink, Member>();
  private readonly aggregate = new RunAggregate(
    (interval, merged) => this.intervalMerged(interval, merged),
    (notice) => this.log.warn(notice, 'interval merged out of the ordinary'),
  );
  private readonly intake: RunIntake;
  private readonly totals = { requests: 0, errors: 0, elapsedMs: 0 };
  private readonly changed = new Conditions();
  private runId = '';
  private running = false;
  private aborted = false;

  constructor(private readonly options: ControllerOptions) {
    this.log = options.logger.child({ component: 'controller' });
    this.intake = new RunIntake(this.aggregate, options.plan, this.log);
    this.server = new AgentServer(
      { ...options, logger: this.log },
      {
        refuse: () =>
          this.runId || this.members.size >= options.agents
            ? `controller already has its ${options.agents} agents`
            : undefined,
        joined: (link) => this.admit(link),
        message: (link, msg) => this.handle(link, msg),
        departed: (link) => this.departed(link),
      },
    );
  }

  /** Starts listening; resolves with the ws:// address agents connect to. */
  listen(): Promise<string> {
    return this.server.listen();
  }

  /** Agents joined so far. */
  get joined(): number {
    return this.members.size;
  }

  /** Intervals held open for a slow agent; bounded, however many seqs agents send. */
  get openIntervals(): number {
    return this.aggregate.openIntervals;
  }

  /** Waits for the agents, runs the plan on all of them, and returns the merged result. */
  async run(): Promise<Result> {
    const { agents, waitTimeoutMs = 0 } = this.options;
    const joined = await this.changed.until(() => this.aborted || this.members.size >= agents, waitTimeoutMs);
    if (this.aborted) throw new ControllerError('CLOSED', 'aborted while waiting for agents');
    if (!joined) {
      throw new ControllerError(
        'WAIT_TIMEOUT',
        `only ${this.members.size} of ${agents} agents joined within ${waitTimeoutMs} ms`,
      );
    }
    const members = [...this.members.values()];
    let shares: Plan[];
    try {
      shares = splitPlan(this.options.plan, members.length, `${members.length} agents`);
    } catch (err) {
      throw new ControllerError('UNSPLITTABLE_PLAN', (err as Error).message);
    }
    this.runId = randomUUID();
    for (const m of members) this.aggregate.join({ id: m.link.id, name: m.link.name, host: m.link.host });
    members.forEach((m, i) => {
      m.link.send('plan', planToWire(shares[i] as Plan, this.runId));
    });
    this.running = true;
    await this.untilReady(members);
    await this.measureRoundTrips(members);
    const started = this.startTogether(members);
    await this.changed.until(() => members.every((m) => m.finished || m.lost));
    this.server.quiet();
    this.running = false;
    const ended = Date.now();
    if (this.intake.dropped > 0) this.log.warn({ dropped: this.intake.dropped }, 'bad intervals were dropped');
    for (const m of members) if (!m.lost) m.link.close(1000, 'run complete');
    return buildResult(this.aggregate.merge(), {
      toolVersion: this.options.toolVersion,
      plan: { ...describePlan(this.options.plan) },
      startedAt: started,
      endedAt: ended,
      measuredMs: Math.max(0, ...members.map((m) => m.durationMs)),
      aborted: this.aborted || members.every((m) => m.lost),
      targetRate: askedRate(this.options.plan),
      weights: requestWeights(this.options.plan),
    });
  }

  /** Stops the run: agents are told to abort, and the result holds what they measured. Idempotent. */
  abort(reason: string): void {
    if (this.aborted) return;
    this.aborted = true;
    this.log.warn({ reason }, 'aborting run');
    for (const m of this.members.values()) m.link.send('abort', { runId: this.runId, reason });
    this.changed.changed();
  }

  /** Closes every connection and the listening socket. */
  close(): Promise<void> {
    return this.server.close();
  }

  /**
   * Waits until every agent still there has reported Ready (warmed up, connections open), so the Start finds
   * them all able to send at once. One not Ready in time starts anyway when the Start reaches it; that is logged.
   */
  private async untilReady(members: Member[]): Promise<void> {
    const limitMs = this.options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const ready = await this.changed.until(() => this.aborted || members.every((m) => m.lost || m.ready), limitMs);
    if (!ready) {
      const late = members.filter((m) => !m.lost && !m.ready).map((m) => m.link.name);
      this.log.warn({ agents: late, limitMs }, 'starting without agents that are not ready yet');
    }
  }

  /** Pings every agent and waits (at most a second) for the echoes, so the start barrier has fresh round trips. */
  private async measureRoundTrips(members: Member[]): Promise<void> {
    const sentAt = performance.now();
    for (const m of members) m.link.send('heartbeat', { sentAtMs: sentAt });
    await this.changed.until(
      () => this.aborted || members.every((m) => m.lost || m.rttAt >= sentAt),
      ROUND_TRIP_WAIT_MS,
    );
  }

  /**
   * The start barrier: every agent starts `delayMs` from now by the controller's clock. A Start reaches an agent
   * half a round trip after it is sent, so that agent waits that much less; no synchronized clocks needed.
   * Returns the planned start (ms since the epoch).
   */
  private startTogether(members: Member[]): number {
    const delayMs = this.options.startDelayMs ?? DEFAULT_START_DELAY_MS;
    if (this.aborted) {
      // Stopped before the Start: nobody has started, so nobody will report Finished.
      for (const m of members) m.finished = true;
    } else {
      this.intake.started();
      for (const m of members) {
        m.link.send('start', {
          runId: this.runId,
          delayMs: Math.max(0, Math.round(delayMs - Math.max(0, m.rttMs) / 2)),
        });
      }
    }
    const spreadMs = Math.max(...members.map((m) => Math.max(0, m.rttMs))) / 2;
    this.log.info({ runId: this.runId, agents: members.length, rttMs: members.map((m) => m.rttMs) }, 'run started');
    this.options.onEvent?.({ type: 'started', agents: members.length, spreadMs });
    return Date.now() + delayMs;
  }

  private admit(link: AgentLink): void {
    this.members.set(link, { link, finished: false, lost: false, ready: false, durationMs: 0, rttMs: -1, rttAt: 0 });
    const { agents } = this.options;
    this.log.info({ agent: link.name, host: link.host, joined: this.members.size, of: agents }, 'agent joined');
    this.options.onEvent?.({ type: 'joined', name: link.name, host: link.host, joined: this.members.size, of: agents });
    warmUpOnJoin(this.members.size, agents);
    this.changed.changed();
  }

  private handle(link: AgentLink, msg: Message): void {
    const m = this.members.get(link);
    if (!m) return;
    switch (msg.kind) {
      case 'interval':
        if (m.lost || msg.body.runId !== this.runId || !this.runId) return;
        this.intake.interval(link, msg.body);
        return;
      case 'ready':
        if (msg.body.runId !== this.runId || m.ready) return;
        m.ready = true;
        this.options.onEvent?.({ type: 'ready', name: link.name });
        break;
      case 'finished':
        if (msg.body.runId !== this.runId || m.finished) return;
        m.finished = true;
        m.durationMs = this.intake.finishedDurationMs(link, msg.body);
        this.aggregate.leave(link.id);
        break;
      case 'heartbeat':
        // Our own timestamp, echoed: the round trip on the controller's clock alone.
        if (!(msg.body.sentAtMs > 0 && msg.body.sentAtMs <= performance.now())) return;
        m.rttMs = performance.now() - msg.body.sentAtMs;
        m.rttAt = msg.body.sentAtMs;
        break;
      case 'hello':
      case 'welcome':
      case 'reject':
      case 'plan':
      case 'start':
      case 'abort':
        this.log.warn({ kind: msg.kind }, 'ignored a frame meant for an agent');
        return;
      default: {
        const unreachable: never = msg;
        throw new Error(`unhandled message ${JSON.stringify(unreachable)}`);
      }
    }
    this.changed.changed();
  }

  private departed(link: AgentLink): void {
    const m = this.members.get(link);
    if (!m) return;
    // Before the plan went out, an agent that leaves simply frees its seat.
    if (!this.runId) {
      this.members.delete(link);
      return;
    }
    if (this.running && !m.finished && !m.lost) {
      m.lost = true;
      this.aggregate.lose(link.id);
      this.log.error({ agent: link.name }, 'agent lost mid-run; keeping what it reported');
      this.options.onEvent?.({ type: 'lost', name: link.name, reason: 'disconnected or silent mid-run' });
    }
    this.changed.changed();
  }

  private intervalMerged(interval: IntervalSummary, merged: MergedInterval): void {
    this.totals.requests += interval.requests;
    this.totals.errors += interval.errors;
    this.totals.elapsedMs = Math.max(this.totals.elapsedMs, interval.t * 1000 + interval.durationMs);
    const onEvent = this.options.onEvent;
    if (!onEvent) return;
    const members = [...this.members.values()].map(({ link, lost, finished, ready }) => ({
      ...{ id: link.id, name: link.name, host: link.host },
      ...{ lost, finished, ready },
    }));
    onEvent(liveInterval(interval, merged, { ...this.totals }, members, () => this.aggregate.liveAgents()));
  }
}
