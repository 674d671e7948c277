import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { classifyError } from '@volley/engine';
import type { IntervalData } from '@volley/metrics';
import { decode, encode, intervalFromWire, intervalToWire } from '@volley/protocol';
import { pino } from 'pino';
import { logFirstErrors } from '../src/error-log.js';

const interval = (byError: Record<string, number>) => ({ byError }) as unknown as IntervalData;

describe('the first error of each kind', () => {
  it('is logged once per run, with its message, at warn when the generator is at fault', () => {
    const lines: Array<{ level: number; msg: string; kind: string; message?: string }> = [];
    const out = new Writable({
      write(chunk, _, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const log = pino({ level: 'info' }, out);
    classifyError(Object.assign(new Error('EMFILE: too many open files, socket'), { code: 'EMFILE' }));
    const passed: IntervalData[] = [];
    const sink = logFirstErrors(log, (i) => passed.push(i));
    sink(interval({ EMFILE: 3 }));
    sink(interval({ EMFILE: 9, ECONNRESET: 1 }));
    sink(interval({ ECONNRESET: 2 }));
    assert.equal(passed.length, 3, 'every interval goes on');
    assert.deepEqual(
      lines.map((l) => [l.level, l.msg, l.kind]),
      [
        [40, 'first EMFILE error', 'EMFILE'],
        [30, 'first ECONNRESET error', 'ECONNRESET'],
      ],
    );
    assert.equal(lines[0]?.message, 'EMFILE: too many open files, socket');
  });
});

describe('error kinds that keep their code', () => {
  it('cross the wire as the engine names them: the controller accepts every one', () => {
    const codes = ['UND_ERR_INVALID_ARG', 'EMFILE', 'ENFILE', `E${'X'.repeat(100)} with spaces`];
    const kinds = codes.map((code) => classifyError(Object.assign(new Error(code), { code })));
    const byError = Object.fromEntries(kinds.map((k) => [k, 1]));
    const data = { seq: 0, startMs: 0, endMs: 1000, histogram: new Uint8Array(), byStatus: {}, byError };
    const msg = decode(encode('interval', intervalToWire('r', data as IntervalData)));
    assert.equal(msg.kind, 'interval');
    const back = intervalFromWire(msg.body as Parameters<typeof intervalFromWire>[0]);
    assert.deepEqual(Object.keys(back.byError).sort(), [...kinds].sort());
    assert.ok(kinds.includes('other:UND_ERR_INVALID_ARG'));
  });
});
