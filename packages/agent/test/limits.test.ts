import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inspect } from 'node:util';
import { type PlanInput, resolvePlan } from '@volley/plan';
import { planToWire } from '@volley/protocol';
import { startTarget, type Target } from '@volley/target';
import { pino } from 'pino';
import { Agent, LimitsError, type OperatorLimits } from '../src/index.js';
import { Limits } from '../src/limits.js';
import { fakeController } from './fake-controller.js';

const logger = pino({ level: 'silent' });

/** A plan on api.example whose flow's steps go to `origin`. */
function flowTo(origin: string, steps = 1): PlanInput {
  const step = (i: number) => ({
    name: `s${i}`,
    method: 'GET',
    origin,
    path: '/',
    headers: [],
    body: null,
    checks: [],
    captures: [],
    think: null,
    weight: 1,
  });
  const flow = { pick: 'sequence' as const, steps: Array.from({ length: steps }, (_, i) => step(i)) };
  return {
    url: 'http://api.example/',
    flow: { ...flow, data: [], cookies: true, seqStart: 0, seqStride: 1, vuStart: 1 },
  };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('operator limits, held against a plan', { timeout: 20_000 }, () => {
  const cases: Array<[string, OperatorLimits, PlanInput, RegExp | undefined]> = [
    ['no limits', {}, { url: 'http://anything.example/' }, undefined],
    ['an allowed name', { allowTargets: ['api.example'] }, { url: 'http://API.example.:8080/x' }, undefined],
    ['a name not allowed', { allowTargets: ['api.example'] }, { url: 'http://evil.example/' }, /evil\.example/],
    ['an address in a CIDR', { allowTargets: ['10.0.0.0/8'] }, { url: 'http://10.2.3.4/' }, undefined],
    ['an address outside', { allowTargets: ['10.0.0.0/8'] }, { url: 'http://127.0.0.1/' }, /target 127\.0\.0\.1/],
    // Names are never resolved: an operator who allows addresses allows exactly those.
    ['a name, with only CIDRs allowed', { allowTargets: ['127.0.0.0/8'] }, { url: 'http://localhost/' }, /localhost/],
    ['an IPv6 address', { allowTargets: ['fd00::/8'] }, { url: 'http://[fd00::1]/' }, undefined],
    ['an IPv6 address outside', { allowTargets: ['fd00::/8', '::1'] }, { url: 'http://[fe80::1]/' }, /fe80::1/],
    ['a literal address', { allowTargets: ['[::1]'] }, { url: 'http://[::1]:81/' }, undefined],
    ['connections within', { maxConnections: 10 }, { url: 'http://h/', connections: 10 }, undefined],
    ['more connections', { maxConnections: 10 }, { url: 'http://h/', connections: 11 }, /11 connections/],
    ['a rate within', { maxRate: 100 }, { url: 'http://h/', rate: 100 }, undefined],
    ['a higher rate', { maxRate: 100 }, { url: 'http://h/', rate: 101 }, /101\/s asked/],
    [
      'a stage above the rate',
      { maxRate: 100 },
      { url: 'http://h/', rate: 10, stages: [{ durationMs: 1000, target: 500 }] },
      /500\/s asked/,
    ],
    [
      'a flow step on an origin not allowed',
      { allowTargets: ['api.example'] },
      flowTo('http://evil.example'),
      /evil\.example/,
    ],
    ['a flow on allowed origins', { allowTargets: ['api.example'] }, flowTo('http://api.example:81'), undefined],
    // Two steps per iteration at 60 iterations/s are 120 requests/s.
    [
      'a flow whose steps pass the rate',
      { maxRate: 100 },
      { ...flowTo('http://api.example', 2), rate: 60 },
      /120\/s asked/,
    ],
    // A closed model sends as fast as the target answers: no rate limit can hold it.
    ['a closed plan under a rate limit', { maxRate: 100 }, { url: 'http://h/', connections: 1 }, /closed-model/],
  ];
  for (const [what, limits, input, refused] of cases) {
    it(`${refused ? 'refuses' : 'allows'} ${what}`, () => {
      const refusal = new Limits(limits).refusal(resolvePlan(input));
      if (refused) assert.match(refusal ?? '', refused);
      else assert.equal(refusal, undefined);
    });
  }

  const nonsense: OperatorLimits[] = [
    { maxRate: -1 },
    { maxRate: Number.NaN },
    { maxRate: 1e300 },
    { maxConnections: 0 },
    { maxConnections: 1.5 },
    { allowTargets: ['10.0.0.0/99'] },
    { allowTargets: ['10.0.0.0/8/8'] },
    { allowTargets: ['host name with spaces'] },
    { allowTargets: ['http://h/'] },
  ];
  for (const limits of nonsense) {
    it(`will not make an agent with ${inspect(limits)}`, () => {
      assert.throws(() => new Agent({ url: 'ws://127.0.0.1:1', logger, limits }), LimitsError);
    });
  }
});

describe('an agent outside its operator limits', { timeout: 20_000 }, () => {
  let target: Target;
  before(async () => {
    target = await startTarget({ port: 0 });
  });
  after(() => target.close());

  const refusals: Array<[string, OperatorLimits, Partial<PlanInput>, RegExp]> = [
    ['a target', { allowTargets: ['10.0.0.0/8'] }, {}, /^refused: target 127\.0\.0\.1 is not allowed/],
    ['a rate', { maxRate: 50 }, { rate: 80 }, /80\/s asked, at most 50\/s/],
    ['connections', { maxConnections: 2 }, { connections: 3 }, /3 connections asked, at most 2/],
  ];
  for (const [what, limits, input, reason] of refusals) {
    it(`leaves with 1008 and a reason naming ${what}, having opened nothing`, async () => {
      const controller = await fakeController();
      const before = target.stats();
      try {
        const agent = new Agent({ url: controller.url, name: 'a', logger, limits });
        const served = agent.serveForever(true);
        await controller.next('hello');
        controller.plan('r1', { url: target.url, durationMs: 60_000, ...input });
        controller.send('start', { runId: 'r1', delayMs: 0 });
        const closed = await controller.closed;
        assert.equal(closed.code, 1008);
        assert.match(closed.reason, reason);
        await served;
        await sleep(100);
        assert.equal(target.stats().connections, before.connections, 'not one connection');
        assert.ok(!controller.received.some((m) => m.kind === 'ready'));
      } finally {
        await controller.close();
      }
    });
  }

  it('leaves with 1008 when a controller sends a capture regex no linear-time engine runs, having opened nothing', async () => {
    const controller = await fakeController();
    const before = target.stats();
    try {
      const agent = new Agent({ url: controller.url, name: 'a', logger, limits: {} });
      const served = agent.serveForever(true);
      await controller.next('hello');
      const input = flowTo(new URL(target.url).origin);
      const wire = planToWire(resolvePlan({ ...input, intervalMs: 200, url: target.url }), 'r1');
      // What no honest controller sends (its own check refuses it): a backreference, written into the frame.
      const step = wire.flow?.steps?.[0];
      assert.ok(step);
      step.captures = [{ name: 'x', from: 3, expr: '^(a+)+\\1$' }];
      controller.send('plan', wire);
      controller.send('start', { runId: 'r1', delayMs: 0 });
      const closed = await controller.closed;
      assert.equal(closed.code, 1008);
      assert.match(closed.reason, /^invalid plan: .*capture x: the regex has a backreference/);
      await served;
      assert.equal(target.stats().connections, before.connections, 'not one connection');
    } finally {
      await controller.close();
    }
  });

  for (const delayMs of [60_001, 2 ** 32 - 1]) {
    it(`refuses a Start in ${delayMs} ms rather than let setTimeout wrap it`, async () => {
      const controller = await fakeController();
      const before = target.stats();
      try {
        const agent = new Agent({ url: controller.url, name: 'a', logger });
        const session = agent.serve();
        await controller.next('hello');
        controller.plan('r1', { url: target.url, durationMs: 60_000, connections: 2 });
        await controller.next('ready');
        controller.send('start', { runId: 'r1', delayMs });
        const closed = await controller.closed;
        assert.deepEqual(closed, { code: 1008, reason: 'start delay out of range' });
        await session;
        await sleep(200);
        assert.equal(target.stats().requests, before.requests, 'nothing fired');
        assert.equal(target.stats().open, before.open, 'and the connections opened ahead are closed');
      } finally {
        await controller.close();
      }
    });
  }
});
