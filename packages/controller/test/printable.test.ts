import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolvePlan } from '@volley/plan';
import { encode } from '@volley/protocol';
import { pino } from 'pino';
import WebSocket from 'ws';
import { Controller, type ControllerEvent } from '../src/index.js';
import { MAX_PRINTABLE_CHARS, printable } from '../src/printable.js';

const TOKEN = 'test-token';

describe('agent names and hosts reach the terminal escaped', () => {
  const cases: Array<[string, string, string]> = [
    ['a plain name', 'east-1', 'east-1'],
    ['a name in another script', 'сервер-東京', 'сервер-東京'],
    ['a screen clear', '\u001b[2Jx', '\\x1b[2Jx'],
    ['a window title (OSC, BEL)', '\u001b]0;pwned\u0007', '\\x1b]0;pwned\\x07'],
    ['a CR that overwrites the line', 'ok\rLOST', 'ok\\x0dLOST'],
    ['a C1 CSI', 'a\u009b31mb', 'a\\x9b31mb'],
    ['a right-to-left override', 'abc\u202edef', 'abc\\u202edef'],
  ];
  for (const [what, raw, shown] of cases) {
    it(`prints ${what} as ${JSON.stringify(shown)}`, () => assert.equal(printable(raw), shown));
  }

  it(`cuts a long name to ${MAX_PRINTABLE_CHARS} characters`, () => {
    const cut = printable('x'.repeat(10_000));
    assert.equal([...cut].length, MAX_PRINTABLE_CHARS);
    assert.ok(cut.endsWith('…'));
  });

  it('escapes the name and host of a Hello before anything sees them', async () => {
    const events: ControllerEvent[] = [];
    const controller = new Controller({
      agents: 1,
      plan: resolvePlan({ url: 'http://127.0.0.1:1/', requests: 1 }),
      toolVersion: 'test',
      token: TOKEN,
      logger: pino({ level: 'silent' }),
      waitTimeoutMs: 10_000,
      onEvent: (event) => events.push(event),
    });
    const url = await controller.listen();
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    try {
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      ws.send(
        encode('hello', { agentId: 'x', name: '\u001b[2J\u001b]0;pwned\u0007', version: '0', host: 'h\u001b[A' }),
      );
      for (let i = 0; i < 200 && !events.some((e) => e.type === 'joined'); i++)
        await new Promise((r) => setTimeout(r, 10));
      const joined = events.find((e) => e.type === 'joined');
      assert.ok(joined?.type === 'joined');
      assert.equal(joined.name, '\\x1b[2J\\x1b]0;pwned\\x07');
      assert.equal(joined.host, 'h\\x1b[A');
    } finally {
      ws.terminate();
      controller.abort('test over');
      await controller.close();
    }
  });
});
