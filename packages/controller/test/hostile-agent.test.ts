import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { DEFAULT_MAX_OPEN_INTERVALS } from '@volley/metrics';
import { resolvePlan } from '@volley/plan';
import { Controller, type ControllerOptions } from '../src/index.js';
import { FakeAgent, intervalOf, keptLogger, TOKEN } from './fake-agent.js';

function controller(options: Partial<ControllerOptions> & Pick<ControllerOptions, 'logger'>): Controller {
  return new Controller({
    agents: 2,
    plan: resolvePlan({ url: 'http://127.0.0.1:9/', durationMs: 3000, intervalMs: 1000 }),
    toolVersion: 'test',
    token: TOKEN,
    startDelayMs: 10,
    waitTimeoutMs: 10_000,
    ...options,
  });
}

/** Histogram bytes that inflate to 64 MiB of zeros: a decompression bomb in a 64 KiB frame. */
function bomb(): Uint8Array {
  const raw = Buffer.alloc(64 * 1024 * 1024);
  raw.writeInt32BE(0x1c849313, 0);
  raw.writeInt32BE(raw.byteLength - 40, 4);
  raw.writeInt32BE(3, 12);
  raw.writeBigInt64BE(1n, 16);
  raw.writeBigInt64BE(2n ** 40n, 24);
  const deflated = deflateSync(raw);
  const out = Buffer.alloc(8 + deflated.byteLength);
  out.writeInt32BE(0x1c849314, 0);
  out.writeInt32BE(deflated.byteLength, 4);
  out.set(deflated, 8);
  return out;
}

async function until(done: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('a hostile agent costs only its bad intervals: never its connection, the run or the counts', () => {
  const controllers: Controller[] = [];
  const agents: FakeAgent[] = [];
  after(async () => {
    for (const a of agents) a.kill();
    await Promise.all(controllers.map((c) => c.close()));
  });

  async function start(c: Controller, names: string[]): Promise<FakeAgent[]> {
    controllers.push(c);
    const url = await c.listen();
    const joined = await Promise.all(names.map((name) => FakeAgent.join(url, name)));
    agents.push(...joined);
    return joined;
  }

  it('drops each bad interval with a logged reason, keeps the agent, and counts exactly the good ones', {
    timeout: 30_000,
  }, async () => {
    const { logger, lines } = keptLogger();
    const c = controller({ logger });
    const [a, b] = await start(c, ['a', 'b']);
    assert.ok(a && b);
    const running = c.run();
    await Promise.all([a.started, b.started]);

    await a.report(intervalOf(0, 1));
    const bad: Array<Parameters<FakeAgent['report']>> = [
      [
        intervalOf(1, 1),
        (w) => {
          w.histogram = bomb();
        },
      ],
      [
        intervalOf(1, 1),
        (w) => {
          w.statuses = [{ status: 200, count: 5 }];
        },
      ],
      [
        intervalOf(1, 1),
        (w) => {
          w.statuses = [{ status: 0, count: 1 }];
        },
      ],
      [
        intervalOf(1, 1),
        (w) => {
          w.errors = [{ kind: '\x1b[2Jgotcha', count: 1 }];
        },
      ],
      [
        intervalOf(1, 1),
        (w) => {
          w.startMs = Number.NaN;
        },
      ],
      [
        intervalOf(1, 1),
        (w) => {
          w.endMs = 1e300;
        },
      ],
      [
        intervalOf(1, 1),
        (w) => {
          w.health = { lagP99Ms: Number.NaN, lagMaxMs: 1, cpu: 0.5, processCpu: 0.5, threads: 1, cpuSource: 2 };
        },
      ],
      [
        intervalOf(1, 1),
        (w) => {
          w.health = { lagP99Ms: 1, lagMaxMs: 1, cpu: -3, processCpu: 0.5, threads: 1, cpuSource: 2 };
        },
      ],
      [intervalOf(0, 1)],
    ];
    for (const args of bad) await a.report(...args);
    // Kinds that once poisoned the totals, in a good interval: counted like any other.
    await a.report(intervalOf(1, 2), (w) => {
      w.errors = [
        { kind: 'constructor', count: 7 },
        { kind: '__proto__', count: 1000 },
      ];
    });
    await a.finish(1e300);
    await a.report(intervalOf(2, 1));
    const dropped = () => lines.filter((l) => l.msg === 'dropped a bad interval');
    await until(() => dropped().length === bad.length + 1, 'every bad interval to be dropped');

    for (const [seq, n] of [
      [0, 10],
      [1, 20],
      [2, 30],
    ] as const) {
      await b.report(intervalOf(seq, n));
    }
    await b.finish(3000);
    const result = await running;

    assert.deepEqual(
      dropped().map((l) => l.code),
      ['bad-histogram', 'bad-histogram', 'BAD_INTERVAL', 'BAD_INTERVAL', 'BAD_INTERVAL', 'BAD_INTERVAL'].concat(
        'BAD_INTERVAL',
        'BAD_INTERVAL',
        'duplicate-seq',
        'member-left',
      ),
    );
    for (const l of dropped()) assert.ok(typeof l.reason === 'string' && l.reason.length > 0, JSON.stringify(l));
    assert.ok(
      lines.some((l) => l.msg === 'refused a Finished duration; using our own'),
      'a duration of 1e300 is refused',
    );
    assert.equal(result.requests.total, 1 + 2 + 1007 + 60);
    assert.equal(typeof result.requests.total, 'number');
    assert.equal(result.requests.errors, 1007);
    assert.equal(result.requests.byError.constructor, 7);
    assert.equal(result.latency.count, 63, 'one latency per response, nothing from a bad histogram');
    assert.ok(result.durationMs <= 3000 + 60_000, `a sane duration: ${result.durationMs}`);
    assert.deepEqual(
      result.agents.map((x) => [x.name, x.requests, x.lost]),
      [
        ['a', 1010, false],
        ['b', 60, false],
      ],
    );
    assert.equal(await a.closed, 1000, 'closed at the end of the run, not for a bad interval');
  });

  it(`holds at most ${DEFAULT_MAX_OPEN_INTERVALS} intervals open through 20,000 distinct seqs, and completes`, {
    timeout: 120_000,
  }, async () => {
    const { logger } = keptLogger();
    // Read at every merged interval, that is while the merger works: the most it ever holds open.
    let most = 0;
    let merged = 0;
    const c: Controller = controller({
      logger: logger.child({}, { level: 'error' }),
      onEvent: (e) => {
        if (e.type !== 'interval') return;
        merged++;
        most = Math.max(most, c.openIntervals);
      },
    });
    const [fast, slow] = await start(c, ['fast', 'slow']);
    assert.ok(fast && slow);
    const running = c.run();
    await Promise.all([fast.started, slow.started]);

    // `slow` never reports, so every interval stays open until the bound forces the oldest out.
    const one = intervalOf(0, 1);
    for (let seq = 0; seq < 20_000; seq++) {
      await fast.report({ ...one, seq, startMs: seq * 1000, endMs: (seq + 1) * 1000 });
      // Let the controller read as it would from a remote agent, rather than all 20,000 frames at the end.
      if (seq % 200 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => merged >= 20_000 - DEFAULT_MAX_OPEN_INTERVALS, 'the forced intervals', 60_000);
    assert.equal(c.openIntervals, DEFAULT_MAX_OPEN_INTERVALS);
    await fast.finish(3000);
    await slow.finish(3000);
    const result = await running;

    assert.ok(most <= DEFAULT_MAX_OPEN_INTERVALS, `at most ${most} open`);
    assert.equal(most, DEFAULT_MAX_OPEN_INTERVALS, 'the bound was reached, and held');
    assert.equal(result.requests.total, 20_000, 'every interval counted once');
    assert.equal(result.intervals.length, 20_000);
  });

  it('keeps an agent whose frames arrive after the controller was frozen, and what it sent meanwhile', {
    timeout: 30_000,
  }, async () => {
    const { logger, lines } = keptLogger();
    const c = controller({ logger, agents: 1, heartbeatMs: 100, agentTimeoutMs: 600 });
    const [a] = await start(c, ['a']);
    assert.ok(a);
    const running = c.run();
    await a.started;
    await a.report(intervalOf(0, 5));
    await a.report(intervalOf(1, 7));
    // The whole process stops, as under SIGSTOP: the frames above wait in the kernel, the heartbeat timer is
    // overdue, and it runs before they are read.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1500);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await a.finish(2000);
    const result = await running;

    assert.equal(
      lines.find((l) => l.msg === 'agent silent: dropping it'),
      undefined,
      'the time the controller was frozen is not the agent silence',
    );
    assert.equal(result.agents[0]?.lost, false);
    assert.equal(result.requests.total, 12);
  });
});
