import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Flow, type Plan, PlanError, resolvePlan } from '@volley/plan';
import { decode, encode, intervalFromWire, intervalToWire, planFromWire, planToWire } from '../src/index.js';

const flow: Flow = {
  pick: 'sequence',
  steps: [
    {
      name: 'login',
      method: 'POST',
      origin: 'http://127.0.0.1:8080',
      path: '/login',
      headers: [['content-type', 'application/json']],
      body: '{"user":"{{ users.name }}"}',
      checks: [{ type: 'status', statuses: [200, 201] }],
      captures: [
        { name: 'token', from: 'json', expr: '$.token' },
        { name: 'sid', from: 'header', expr: 'x-sid' },
        { name: 'n', from: 'regex', expr: 'n=(\\d+)' },
      ],
      think: { minMs: 100, maxMs: 300 },
      weight: 1,
    },
    {
      name: 'me',
      method: 'GET',
      origin: 'http://127.0.0.2:9090',
      path: '/me?id={{ $uuid }}',
      headers: [['authorization', 'Bearer {{ token }}']],
      body: null,
      checks: [
        { type: 'body', contains: '"ok":true' },
        { type: 'json', path: '$.user', equals: '{{ users.name }}' },
        { type: 'header', name: 'x-a', equals: null },
        { type: 'header', name: 'x-b', equals: '' },
      ],
      captures: [],
      think: null,
      weight: 1,
    },
  ],
  data: [{ name: 'users', order: 'unique', columns: ['name'], rows: [['a'], ['b,c'], ['']] }],
  cookies: false,
  seqStart: 3,
  seqStride: 4,
  vuStart: 7,
};

const overTheWire = (plan: Plan): Plan => {
  const msg = decode(encode('plan', planToWire(plan, 'run-1')));
  assert.equal(msg.kind, 'plan');
  return planFromWire(msg.body);
};

describe('flows on the wire', () => {
  it('arrive exactly as they left, in both models', () => {
    for (const model of ['closed', 'open'] as const) {
      const plan = resolvePlan({ url: 'http://127.0.0.1:8080/', model, rate: model === 'open' ? 5 : 0, flow });
      assert.deepEqual(overTheWire(plan), plan);
    }
  });

  it('a plan without a flow stays without one', () => {
    const plan = resolvePlan({ url: 'http://127.0.0.1:8080/' });
    assert.equal(overTheWire(plan).flow, null);
  });

  it('an unknown enum value or a template that does not compile is refused, not run', () => {
    const plan = resolvePlan({ url: 'http://127.0.0.1:8080/', flow });
    const wire = planToWire(plan, 'r');
    const bad = { ...wire, flow: { ...wire.flow, pick: 9 } };
    const msg = decode(encode('plan', bad));
    assert.throws(() => planFromWire(msg.body as never), PlanError);
    const steps = wire.flow?.steps ?? [];
    const unknown = { ...wire, flow: { ...wire.flow, steps: [{ ...steps[0], path: '/{{ nobody }}' }] } };
    assert.throws(() => planFromWire(decode(encode('plan', unknown)).body as never), { code: 'INVALID_TEMPLATE' });
  });
});

describe('flow figures on the wire', () => {
  it('carry iterations, checks and expected statuses', () => {
    const data = {
      seq: 0,
      startMs: 0,
      endMs: 1000,
      histogram: new Uint8Array([1, 2]),
      byStatus: { 200: 3 },
      byError: {},
      bytesSent: 1,
      bytesReceived: 2,
      endpoints: [
        {
          name: 'login',
          histogram: new Uint8Array([3]),
          byStatus: { 200: 3 },
          byError: {},
          checks: [{ name: 'status', passed: 2, failed: 1 }],
          expected: 1,
        },
      ],
      iterations: 2,
      iterationHistogram: new Uint8Array([4]),
      iterationsStarted: 3,
      expected: 1,
    };
    const msg = decode(encode('interval', intervalToWire('r', data)));
    assert.equal(msg.kind, 'interval');
    const back = intervalFromWire(msg.body);
    assert.equal(back.iterations, 2);
    assert.equal(back.iterationsStarted, 3);
    assert.equal(back.expected, 1);
    assert.deepEqual(back.endpoints?.[0]?.checks, [{ name: 'status', passed: 2, failed: 1 }]);
    assert.equal(back.endpoints?.[0]?.expected, 1);
  });

  it('refuses a step with too many checks', () => {
    const checks = Array.from({ length: 33 }, (_, i) => ({ name: `c${i}`, passed: 1, failed: 0 }));
    const wire = intervalToWire('r', {
      seq: 0,
      startMs: 0,
      endMs: 1,
      histogram: new Uint8Array(0),
      byStatus: {},
      byError: {},
      bytesSent: 0,
      bytesReceived: 0,
      endpoints: [{ name: 'a', histogram: new Uint8Array(0), byStatus: {}, byError: {}, checks }],
    });
    const msg = decode(encode('interval', wire));
    assert.throws(() => intervalFromWire(msg.body as never), { code: 'BAD_INTERVAL' });
  });
});
