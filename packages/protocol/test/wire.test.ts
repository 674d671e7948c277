import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Plan, resolvePlan } from '@volley/plan';
import {
  BadIntervalError,
  decode,
  encode,
  intervalFromWire,
  intervalToWire,
  MAX_ERROR_KINDS,
  planFromWire,
  planToWire,
} from '../src/index.js';

/** A plan through a real frame and back, as an agent receives it. */
function overTheWire(plan: Plan): Plan {
  const msg = decode(encode('plan', planToWire(plan, 'run-1')));
  assert.equal(msg.kind, 'plan');
  return planFromWire(msg.body);
}

describe('plans on the wire', () => {
  const plans: Array<[string, Plan]> = [
    [
      'a closed plan with every common field',
      resolvePlan({
        url: 'http://h/x?q=1',
        method: 'PUT',
        headers: [
          ['x-a', '1'],
          ['x-a', '2'],
        ],
        body: new TextEncoder().encode('payload'),
        connections: 3,
        requests: 99,
        client: 'per-request',
        timeoutMs: 1234,
        intervalMs: 500,
      }),
    ],
    ['a closed ramp', resolvePlan({ url: 'http://h/', stages: [{ durationMs: 500, target: 4 }] })],
    ['an open plan', resolvePlan({ url: 'http://h/', rate: 12.5, durationMs: 2000, connections: 3 })],
    [
      'an open ramp from 0',
      resolvePlan({ url: 'http://h/', model: 'open', stages: [{ durationMs: 1000, target: 100 }] }),
    ],
    [
      'a scenario',
      resolvePlan({
        url: 'https://h/',
        http2: true,
        insecure: true,
        headers: [['x-a', '1']],
        endpoints: [{ name: 'home', method: 'GET', path: '/', headers: [], body: null, weight: 2 }],
      }),
    ],
  ];
  for (const [what, plan] of plans) {
    it(`carries ${what} unchanged`, () => {
      const back = overTheWire(plan);
      assert.deepEqual({ ...back, body: back.body && [...back.body] }, { ...plan, body: plan.body && [...plan.body] });
    });
  }

  it('refuses an unknown workload model instead of running a default one', () => {
    const wire = planToWire(resolvePlan({ url: 'http://h/' }), 'r');
    const msg = decode(encode('plan', { ...wire, model: 7 as never }));
    assert.equal(msg.kind, 'plan');
    assert.throws(() => planFromWire(msg.body), { code: 'INVALID_MODEL' });
    const unset = decode(encode('plan', { ...wire, model: 0 }));
    assert.throws(() => planFromWire(unset.body as never), { code: 'INVALID_MODEL' });
  });

  it('refuses an unknown client strategy', () => {
    const wire = planToWire(resolvePlan({ url: 'http://h/' }), 'r');
    const msg = decode(encode('plan', { ...wire, client: 9 as never }));
    assert.throws(() => planFromWire(msg.body as never), { code: 'INVALID_CLIENT' });
  });

  it('validates what it receives like any input', () => {
    const wire = planToWire(resolvePlan({ url: 'http://h/' }), 'r');
    const msg = decode(encode('plan', { ...wire, url: 'ftp://h/' }));
    assert.throws(() => planFromWire(msg.body as never), { code: 'INVALID_URL' });
  });
});

describe('intervals on the wire', () => {
  it('carries counts, bytes, late and dropped, and endpoints both ways', () => {
    const data = {
      seq: 3,
      startMs: 3000,
      endMs: 4000,
      histogram: new Uint8Array([1, 2, 3]),
      byStatus: { '200': 5, '503': 1 },
      byError: { ECONNRESET: 2 },
      bytesSent: 10,
      bytesReceived: 20,
      serviceHistogram: new Uint8Array([4]),
      late: 1,
      dropped: 2,
      endpoints: [{ name: 'a', histogram: new Uint8Array([5]), byStatus: { '200': 5 }, byError: {} }],
    };
    const msg = decode(encode('interval', intervalToWire('r', data)));
    assert.equal(msg.kind, 'interval');
    const back = intervalFromWire(msg.body);
    // Count maps come back without a prototype: compare their entries.
    assert.deepEqual({ ...back.byStatus }, data.byStatus);
    assert.deepEqual({ ...back.byError }, data.byError);
    assert.equal(back.late, 1);
    assert.equal(back.dropped, 2);
    assert.deepEqual(
      back.endpoints?.map((e) => [e.name, { ...e.byStatus }]),
      [['a', { '200': 5 }]],
    );
  });

  it('carries the class buckets of an interval and of its requests, and refuses a class not 1 to 9 or twice', () => {
    const counts = Array.from({ length: 19 }, (_, i) => (i === 3 ? 5 : 0));
    const classes = [
      { statusClass: 2, counts, sumUs: 4000 },
      { statusClass: 5, counts: counts.map((n) => n / 5), sumUs: 900.5 },
    ];
    const data = {
      seq: 0,
      startMs: 0,
      endMs: 1000,
      histogram: new Uint8Array([1]),
      byStatus: { '200': 5, '503': 1 },
      byError: {},
      bytesSent: 0,
      bytesReceived: 0,
      classBuckets: classes,
      endpoints: [{ name: 'a', histogram: new Uint8Array([5]), byStatus: {}, byError: {}, classBuckets: classes }],
    };
    const through = (d: typeof data) => {
      const msg = decode(encode('interval', intervalToWire('r', d)));
      assert.equal(msg.kind, 'interval');
      return intervalFromWire(msg.body);
    };
    const back = through(data);
    assert.deepEqual(back.classBuckets, classes);
    assert.deepEqual(back.endpoints?.[0]?.classBuckets, classes);
    assert.equal(through({ ...data, classBuckets: [] }).classBuckets, undefined);
    const wrongs = [
      [...classes, { statusClass: 0, counts, sumUs: 0 }],
      [...classes, { statusClass: 10, counts, sumUs: 0 }],
      [...classes, { statusClass: 2, counts, sumUs: 0 }],
      [{ statusClass: 2, counts: new Array(65).fill(0), sumUs: 0 }],
    ];
    for (const wrong of wrongs) {
      assert.throws(() => through({ ...data, classBuckets: wrong }), BadIntervalError);
      const endpoints = [{ ...data.endpoints[0], classBuckets: wrong }] as typeof data.endpoints;
      assert.throws(() => through({ ...data, endpoints }), BadIntervalError);
    }
  });

  /** An interval off the wire with these statuses and error kinds. */
  function counted(statuses: Array<[number, number]>, errors: Array<[string, number]>) {
    const wire = {
      ...intervalToWire('r', {
        seq: 0,
        startMs: 0,
        endMs: 1000,
        histogram: new Uint8Array(0),
        byStatus: {},
        byError: {},
        bytesSent: 0,
        bytesReceived: 0,
      }),
      statuses: statuses.map(([status, count]) => ({ status, count })),
      errors: errors.map(([kind, count]) => ({ kind, count })),
    };
    const msg = decode(encode('interval', wire));
    assert.equal(msg.kind, 'interval');
    return () => intervalFromWire(msg.body);
  }

  it('keeps kinds named __proto__ and constructor as plain keys, counted', () => {
    const back = counted(
      [[200, 1]],
      [
        ['__proto__', 1000],
        ['constructor', 7],
      ],
    )();
    assert.equal(Object.getOwnPropertyDescriptor(back.byError, '__proto__')?.value, 1000);
    assert.equal(back.byError.constructor, 7);
    assert.equal(Object.getPrototypeOf(back.byError), null);
  });

  it('gives statuses in a map that counts like any other: no prototype, lowest first, repeats summed', () => {
    // The map's integer keys are kept sparse (see countMap in metrics): nothing of that may show.
    const back = counted(
      [
        [503, 2],
        [200, 7],
        [404, 1],
        [200, 3],
      ],
      [],
    )();
    assert.equal(Object.getPrototypeOf(back.byStatus), null);
    assert.deepEqual(Object.keys(back.byStatus), ['200', '404', '503']);
    assert.deepEqual(Object.entries(back.byStatus), [
      ['200', 10],
      ['404', 1],
      ['503', 2],
    ]);
    assert.equal(JSON.stringify(back.byStatus), '{"200":10,"404":1,"503":2}');
    assert.equal(back.byStatus[4_294_967_294], undefined);
    assert.equal(Object.hasOwn(back.byStatus, '4294967294'), false);
  });

  it('refuses statuses that are not three digits and kinds that are not short printable names', () => {
    const bad: Array<[string, () => unknown]> = [
      ['status 0', counted([[0, 1]], [])],
      ['status 99', counted([[99, 1]], [])],
      ['status 1000', counted([[1000, 1]], [])],
      ['a kind with an escape sequence', counted([], [['\x1b[31mred', 1]])],
      ['a kind with a space', counted([], [['two words', 1]])],
      ['a kind of 65 characters', counted([], [['k'.repeat(65), 1]])],
      [
        `more than ${MAX_ERROR_KINDS} kinds`,
        counted(
          [],
          Array.from({ length: MAX_ERROR_KINDS + 1 }, (_, i) => [`k${i}`, 1]),
        ),
      ],
    ];
    for (const [name, read] of bad) {
      assert.throws(read, (err: Error) => err instanceof BadIntervalError && err.code === 'BAD_INTERVAL', name);
    }
    assert.doesNotThrow(
      counted(
        [
          [100, 1],
          [599, 1],
          [999, 1],
        ],
        [
          ['ECONNREFUSED', 1],
          ['', 1],
        ],
      ),
    );
  });
});
