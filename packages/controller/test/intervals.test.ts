import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Recorder } from '@volley/metrics';
import { resolvePlan } from '@volley/plan';
import { decode, encode, intervalToWire, type Kind } from '@volley/protocol';
import { pino } from 'pino';
import WebSocket from 'ws';
import { Controller, type ControllerEvent } from '../src/index.js';

const TOKEN = 'test-token';

/** A pino logger whose lines the test can wait for: the controller's log is its only acknowledgement. */
function capturingLogger() {
  const waiters: Array<{ match: (line: Record<string, unknown>) => boolean; resolve: () => void }> = [];
  const logger = pino(
    { level: 'warn' },
    {
      write(text: string) {
        const line = JSON.parse(text) as Record<string, unknown>;
        for (const w of waiters.filter((w) => w.match(line))) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      },
    },
  );
  const logged = (match: (line: Record<string, unknown>) => boolean): Promise<void> =>
    new Promise((resolve) => waiters.push({ match, resolve }));
  return { logger, logged };
}

/**
 * An agent played by the test over a raw WebSocket: it answers the Plan with Ready, echoes heartbeats, and sends
 * exactly the intervals the test tells it to.
 */
class ScriptedAgent {
  runId = '';
  readonly started: Promise<void>;
  private readonly ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.started = new Promise((resolve) => {
      ws.on('message', (data: Buffer) => {
        const msg = decode(data);
        if (msg.kind === 'plan') {
          this.runId = msg.body.runId;
          ws.send(encode('ready', { runId: this.runId }));
        } else if (msg.kind === 'heartbeat') {
          ws.send(encode('heartbeat', { sentAtMs: msg.body.sentAtMs }));
        } else if (msg.kind === 'start') {
          resolve();
        }
      });
    });
  }

  static async join(url: string, name: string): Promise<ScriptedAgent> {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const agent = new ScriptedAgent(ws);
    ws.send(encode('hello', { agentId: name, name, version: 'test' }));
    return agent;
  }

  /** Sends interval `seq` (1 s long) holding `requests` responses. */
  report(seq: number, requests: number): void {
    const rec = new Recorder();
    for (let i = 0; i < requests; i++) rec.recordResponse(200, 1000 + i, 10, 100);
    this.ws.send(encode('interval', intervalToWire(this.runId, rec.snapshot(seq, seq * 1000, (seq + 1) * 1000))));
  }

  /** Sends a frame only an agent should receive: the controller logs it and ignores it, after what came before. */
  mark(kind: Extract<Kind, 'welcome' | 'reject'>): void {
    this.ws.send(encode(kind, {}));
  }

  finish(): void {
    this.ws.send(encode('finished', { runId: this.runId, intervals: 3, requests: 0, durationMs: 3000 }));
  }

  /** Gone without a word, as a machine that crashed. */
  kill(): void {
    this.ws.terminate();
  }
}

describe('merged intervals when an agent is lost mid-interval', () => {
  const controllers: Controller[] = [];
  const agents: ScriptedAgent[] = [];
  after(async () => {
    for (const a of agents) a.kill();
    await Promise.all(controllers.map((c) => c.close()));
  });

  it('an agent lost after reporting k does not close k before the live agents report it', {
    timeout: 20_000,
  }, async () => {
    const { logger, logged } = capturingLogger();
    const events: ControllerEvent[] = [];
    const eventWaiters: Array<() => void> = [];
    const c = new Controller({
      agents: 3,
      plan: resolvePlan({ url: 'http://127.0.0.1:9/', durationMs: 3000, intervalMs: 1000 }),
      toolVersion: 'test',
      token: TOKEN,
      logger,
      startDelayMs: 10,
      waitTimeoutMs: 10_000,
      onEvent: (e) => {
        events.push(e);
        for (const w of eventWaiters.splice(0)) w();
      },
    });
    controllers.push(c);
    const until = async (done: () => boolean): Promise<void> => {
      while (!done()) await new Promise<void>((resolve) => eventWaiters.push(resolve));
    };
    const merged = () => events.flatMap((e) => (e.type === 'interval' ? [e.interval] : []));
    const ignored = (kind: string) => logged((line) => line.kind === kind);

    const url = await c.listen();
    const [a, b, cc] = await Promise.all(['a', 'b', 'c'].map((name) => ScriptedAgent.join(url, name)));
    assert.ok(a && b && cc);
    agents.push(a, b, cc);
    const running = c.run();
    await Promise.all([a.started, b.started, cc.started]);

    // Interval 0 from everyone: the baseline.
    a.report(0, 1);
    b.report(0, 2);
    cc.report(0, 4);
    await until(() => merged().length === 1);

    // a and c report interval 1 (each mark proves its report was taken), then c is lost.
    const aTaken = ignored('welcome');
    a.report(1, 10);
    a.mark('welcome');
    await aTaken;
    const cTaken = ignored('reject');
    cc.report(1, 100);
    cc.mark('reject');
    await cTaken;
    cc.kill();
    await until(() => events.some((e) => e.type === 'lost'));
    assert.equal(merged().length, 1, 'interval 1 still waits for b, the live agent that has not reported it');

    // b reports interval 1 and closes it; interval 2 comes from the two agents left.
    b.report(1, 1000);
    await until(() => merged().length === 2);
    a.report(2, 20);
    b.report(2, 2000);
    a.finish();
    b.finish();
    const result = await running;

    const ts = result.intervals.map((i) => i.t);
    for (let k = 1; k < ts.length; k++) assert.ok((ts[k] as number) > (ts[k - 1] as number), `t rises: ${ts}`);
    assert.deepEqual(
      result.intervals.map((i) => [i.t, i.requests]),
      [
        [0, 1 + 2 + 4],
        [1, 10 + 1000 + 100],
        [2, 20 + 2000],
      ],
      'each interval holds what the agents live when they reported it sent for it',
    );
    assert.equal(result.requests.total, 3137);
    assert.equal(result.latency.count, 3137, 'one latency per response, in the run histogram');
    assert.deepEqual(
      result.agents.map((x) => [x.name, x.requests, x.lost]),
      [
        ['a', 31, false],
        ['b', 3002, false],
        ['c', 104, true],
      ],
    );
  });
});
