import type { Recorder } from '@volley/metrics';
import type { Plan } from '@volley/plan';
import { type ClientStrategy, type Connection, createStrategy } from '../client/index.js';
import type { Clock } from '../clock.js';
import { DataRows } from './data.js';
import { FlowProgram } from './program.js';
import { type UserHost, VirtualUser } from './virtual-user.js';

/**
 * What both models' flow runs share: the compiled flow, its data, `$seq`, and connections made per user and
 * origin, each origin with its own client strategy (the plan's own for the plan URL's origin, which it opened
 * ahead of the run).
 */
export class FlowUsers {
  readonly program: FlowProgram;
  readonly data: DataRows;
  readonly users: VirtualUser[] = [];
  private readonly strategies = new Map<string, ClientStrategy>();
  private seqNext: number;

  constructor(
    private readonly plan: Plan,
    strategy: ClientStrategy,
    /** Whether the strategy was the caller's (a test's fake network): then it serves every origin. */
    private readonly given: boolean,
  ) {
    const flow = plan.flow;
    if (!flow) throw new Error('a flow run needs a plan with a flow');
    this.program = new FlowProgram(flow);
    this.data = new DataRows(flow);
    this.seqNext = flow.seqStart;
    this.strategies.set(new URL(plan.url).origin, strategy);
  }

  /** `$seq`: this share's next number (share i of n takes i, i + n, …). */
  seq(): number {
    const n = this.seqNext;
    this.seqNext += this.plan.flow?.seqStride ?? 1;
    return n;
  }

  /** Makes `count` users for `host`, each with its own connections (kept in `connections` for the run's end). */
  create(
    count: number,
    host: Omit<UserHost, 'connection'>,
    recorder: Recorder,
    clock: Clock,
    scheduled: boolean,
    connections: Connection[],
  ): void {
    const vuStart = this.plan.flow?.vuStart ?? 1;
    for (let i = 0; i < count; i++) {
      const own = new Map<string, Connection>();
      const userHost: UserHost = {
        get stopping() {
          return host.stopping;
        },
        connection: (origin) => {
          let c = own.get(origin);
          if (!c) {
            c = this.strategyFor(origin).connect();
            own.set(origin, c);
            connections.push(c);
          }
          return c;
        },
        sent: () => host.sent(),
        seq: () => host.seq(),
        ended: (u) => host.ended(u),
        exhausted: (u) => host.exhausted(u),
      };
      this.users.push(new VirtualUser(userHost, this.program, this.data, recorder, clock, vuStart + i, scheduled));
    }
  }

  private strategyFor(origin: string): ClientStrategy {
    let s = this.strategies.get(origin);
    if (!s) {
      s = this.given
        ? (this.strategies.values().next().value as ClientStrategy)
        : createStrategy({ ...this.plan, url: `${origin}/` });
      this.strategies.set(origin, s);
    }
    return s;
  }

  /** Closes what each origin's strategy opened ahead and no user took. */
  release(): void {
    for (const s of this.strategies.values()) s.release?.();
  }
}
