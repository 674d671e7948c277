import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GeneratorHealth, IntervalData } from '@volley/metrics';
import { BadIntervalError, decode, encode, intervalFromWire, intervalToWire, MAX_LAG_MS } from '../src/index.js';

const base: IntervalData = {
  seq: 0,
  startMs: 0,
  endMs: 1000,
  histogram: new Uint8Array(0),
  byStatus: {},
  byError: {},
  bytesSent: 0,
  bytesReceived: 0,
};

const healthy: GeneratorHealth = {
  lagP99Ms: 1.5,
  lagMaxMs: 12.25,
  cpu: 0.42,
  processCpu: 1.3,
  threads: 2,
  cpuSource: 'loop',
};

/** An interval through a real frame, as the controller reads it; `wire` overrides fields of its health. */
function overTheWire(health: GeneratorHealth | undefined, wire: Record<string, unknown> = {}) {
  const body = intervalToWire('r', { ...base, ...(health ? { health } : {}) });
  if (body.health) Object.assign(body.health, wire);
  const msg = decode(encode('interval', body));
  assert.equal(msg.kind, 'interval');
  return () => intervalFromWire(msg.body);
}

describe('generator health on the wire', () => {
  it('carries every figure both ways, and each CPU source', () => {
    assert.deepEqual(overTheWire(healthy)().health, healthy);
    const thread = { ...healthy, cpuSource: 'thread' as const };
    assert.deepEqual(overTheWire(thread)().health, thread);
  });

  it('is absent, not zero, from an agent that measured none', () => {
    assert.equal('health' in overTheWire(undefined)(), false);
  });

  it('refuses figures no generator could report: NaN, negative, out of bounds, an unknown source', () => {
    const bad: Array<[string, Record<string, unknown>]> = [
      ['a NaN lag', { lagP99Ms: Number.NaN }],
      ['an infinite lag', { lagMaxMs: Number.POSITIVE_INFINITY }],
      ['a negative lag', { lagP99Ms: -1 }],
      ['a lag past the bound', { lagP99Ms: MAX_LAG_MS + 1, lagMaxMs: MAX_LAG_MS + 1 }],
      ['a p99 above the max', { lagP99Ms: 20, lagMaxMs: 10 }],
      ['a thread on more than one core', { cpu: 1.5 }],
      ['a negative CPU', { cpu: -0.1 }],
      ['a NaN process CPU', { processCpu: Number.NaN }],
      ['a million cores', { processCpu: 1e6 }],
      ['no threads', { threads: 0 }],
      ['an unknown CPU source', { cpuSource: 7 }],
      ['an unspecified CPU source', { cpuSource: 0 }],
    ];
    for (const [name, wire] of bad) {
      assert.throws(
        overTheWire(healthy, wire),
        (err: Error) => err instanceof BadIntervalError && err.code === 'BAD_INTERVAL',
        name,
      );
    }
  });
});
