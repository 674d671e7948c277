import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate } from '@volley/plan';
import { render } from '../src/flow/render.js';

describe('rendering a template', () => {
  const scope = { data: new Map([['users', ['name', 'password']]]), captures: new Map([['token', 0]]) };
  let seq = 40;
  const ctx = { rows: [['ann', 'pa,ss "1"\\']], vars: ['t-1'], vu: 3, iteration: 7, seq: () => seq++ };

  it('fills in data, captures and numbers', () => {
    const t = parseTemplate('/u/{{users.name}}?t={{ token }}&vu={{$vu}}&i={{$iteration}}&s={{$seq}}', scope);
    assert.equal(render(t, ctx), '/u/ann?t=t-1&vu=3&i=7&s=40');
    assert.equal(render(t, ctx), '/u/ann?t=t-1&vu=3&i=7&s=41');
  });

  it('escapes a value for a JSON string with | json', () => {
    const body = render(parseTemplate('{"p":"{{ users.password | json }}"}', scope), ctx);
    assert.deepEqual(JSON.parse(body), { p: 'pa,ss "1"\\' });
  });

  it('draws $randomInt within its bounds and $uuid fresh each time', () => {
    const n = parseTemplate('{{ $randomInt 5 7 }}', scope);
    const seen = new Set(Array.from({ length: 200 }, () => Number(render(n, ctx))));
    assert.deepEqual([...seen].sort(), [5, 6, 7]);
    const u = parseTemplate('{{ $uuid }}', scope);
    assert.notEqual(render(u, ctx), render(u, ctx));
  });
});
