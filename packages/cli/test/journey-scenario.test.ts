import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowStep } from '@volley/plan';
import { planFromInput } from '../src/plan-input.js';
import { USER_AGENT } from '../src/request-defaults.js';
import { volley } from './bin.js';

/** The User-Agent every step carries last, unless the file or -H set one. */
const UA: [string, string] = ['user-agent', USER_AGENT];

/** A step as the plan holds it, from the parts a test names (the default User-Agent after its headers). */
const step = (over: Partial<FlowStep> & Pick<FlowStep, 'name' | 'path'>): FlowStep => ({
  method: 'GET',
  origin: 'http://127.0.0.1:8080',
  body: null,
  checks: [],
  captures: [],
  think: null,
  weight: 1,
  ...over,
  headers: [...(over.headers ?? []), UA],
});

describe('journey scenario files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'volley-journey-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const write = async (name: string, text: string | Buffer) => {
    const file = join(dir, name);
    await writeFile(file, text);
    return file;
  };
  const planOf = async (yaml: string, url?: string, flags: Record<string, unknown> = {}) => {
    const file = await write(`s-${Math.random().toString(36).slice(2)}.yaml`, yaml);
    return (await planFromInput(url, { ...flags, scenario: file })).plan;
  };

  it('builds the flow of the issue: data, templates, checks in file order, captures, think time', async () => {
    await write('users.csv', 'name,password\n"ann, the first","p""1"\nbob,"two\nlines"\n');
    process.env.VOLLEY_TEST_KEY = 'k-42';
    const plan = await planOf(`
url: http://127.0.0.1:8080
data:
  users: { file: users.csv, order: unique }
flow:
  - name: login
    method: post
    path: /login
    headers: { content-type: application/json }
    body: '{"user": "{{ users.name }}", "password": "{{ users.password }}"}'
    check: { status: 200 }
    capture: { token: { json: $.token }, sid: { header: set-cookie }, id: { regex: 'id=(\\d+)' } }
  - name: me
    path: /me?n={{ $randomInt 1 1000 }}
    headers: { authorization: "Bearer {{ token }}", x-key: "{{ $env.VOLLEY_TEST_KEY }}" }
    check:
      body_contains: '"ok":true'
      status: [200, 304]
      json: { $.user: "{{ users.name }}", $.n: 5, $.ok: true }
      header: { content-type: application/json, x-any: true }
    think: 100ms..300ms
  - name: out
    url: http://127.0.0.1:9090/bye
    think: 1s
load: { connections: 20, iterations: 50 }
`);
    assert.equal(plan.requests, 50, 'iterations bound the run');
    assert.equal(plan.connections, 20);
    assert.deepEqual(plan.endpoints, []);
    assert.deepEqual(plan.flow, {
      pick: 'sequence',
      steps: [
        step({
          name: 'login',
          method: 'POST',
          path: '/login',
          headers: [['content-type', 'application/json']],
          body: '{"user": "{{ users.name }}", "password": "{{ users.password }}"}',
          checks: [{ type: 'status', statuses: [200] }],
          captures: [
            { name: 'token', from: 'json', expr: '$.token' },
            { name: 'sid', from: 'header', expr: 'set-cookie' },
            { name: 'id', from: 'regex', expr: 'id=(\\d+)' },
          ],
        }),
        step({
          name: 'me',
          path: '/me?n={{ $randomInt 1 1000 }}',
          headers: [
            ['authorization', 'Bearer {{ token }}'],
            ['x-key', 'k-42'],
          ],
          checks: [
            { type: 'body', contains: '"ok":true' },
            { type: 'status', statuses: [200, 304] },
            { type: 'json', path: '$.user', equals: '{{ users.name }}' },
            { type: 'json', path: '$.n', equals: '5' },
            { type: 'json', path: '$.ok', equals: 'true' },
            { type: 'header', name: 'content-type', equals: 'application/json' },
            { type: 'header', name: 'x-any', equals: null },
          ],
          think: { minMs: 100, maxMs: 300 },
        }),
        step({ name: 'out', origin: 'http://127.0.0.1:9090', path: '/bye', think: { minMs: 1000, maxMs: 1000 } }),
      ],
      data: [
        {
          name: 'users',
          order: 'unique',
          columns: ['name', 'password'],
          rows: [
            ['ann, the first', 'p"1'],
            ['bob', 'two\nlines'],
          ],
        },
      ],
      cookies: true,
      seqStart: 0,
      seqStride: 1,
      vuStart: 1,
    });
  });

  it("puts the headers for every request (the file's, then -H) first on each step", async () => {
    const plan = await planOf(
      'headers: { x-run: r1 }\nflow:\n  - name: a\n    headers: { x-own: o }\n  - name: b\n',
      'http://127.0.0.1:8080',
      { header: ['x-flag: f'] },
    );
    assert.deepEqual(
      plan.flow?.steps.map((s) => s.headers),
      [
        [['x-run', 'r1'], ['x-flag', 'f'], ['x-own', 'o'], UA],
        [['x-run', 'r1'], ['x-flag', 'f'], UA],
      ],
    );
  });

  it('sends steps by path, and steps on the file url, to a command-line URL; other origins stay', async () => {
    const plan = await planOf(
      'url: http://127.0.0.1:8080\ncookies: false\nflow:\n  - name: a\n    path: /a\n  - name: b\n    url: http://127.0.0.1:8080/b?x=1\n  - name: c\n    url: https://other.test/c\n',
      'http://127.0.0.1:7000/ignored',
    );
    assert.deepEqual(
      plan.flow?.steps.map((s) => [s.origin, s.path]),
      [
        ['http://127.0.0.1:7000', '/a'],
        ['http://127.0.0.1:7000', '/b?x=1'],
        ['https://other.test', '/c'],
      ],
    );
    assert.equal(plan.flow?.cookies, false);
  });

  it('reads a JSON array and JSON lines, by extension or by format, numbers and booleans as text', async () => {
    await write('users.json', '[{"name": "ann", "age": 31}, {"age": 40, "name": "bob"}]');
    await write('users.jsonl', '{"name": "cy", "vip": true}\n{"name": "di", "vip": false}\n');
    await write('users.txt', '{"name": "ed"}\n');
    const plan = await planOf(
      'data:\n  a: { file: users.json }\n  b: { file: users.jsonl, order: random }\n  c: { file: users.txt, format: jsonl }\nflow:\n  - name: s\n    path: /{{ a.name }}/{{ b.vip }}/{{ c.name }}\n',
      'http://127.0.0.1:8080',
    );
    assert.deepEqual(plan.flow?.data, [
      {
        name: 'a',
        order: 'sequential',
        columns: ['name', 'age'],
        rows: [
          ['ann', '31'],
          ['bob', '40'],
        ],
      },
      {
        name: 'b',
        order: 'random',
        columns: ['name', 'vip'],
        rows: [
          ['cy', 'true'],
          ['di', 'false'],
        ],
      },
      { name: 'c', order: 'sequential', columns: ['name'], rows: [['ed']] },
    ]);
  });

  it('reads think time as a fixed pause, a range, or a number of seconds', async () => {
    const plan = await planOf(
      'flow:\n  - name: a\n    think: 250ms\n  - name: b\n    think: 1s..2.5s\n  - name: c\n    think: 0.5\n  - name: d\n    think: 100ms .. 1m\n',
      'http://127.0.0.1:8080',
    );
    assert.deepEqual(
      plan.flow?.steps.map((s) => s.think),
      [
        { minMs: 250, maxMs: 250 },
        { minMs: 1000, maxMs: 2500 },
        { minMs: 500, maxMs: 500 },
        { minMs: 100, maxMs: 60_000 },
      ],
    );
  });

  it('makes weighted requests with data a flow picked by weight, and -n counts its iterations', async () => {
    await write('ids.csv', 'id\n7\n8\n');
    await write('order.json', '{"id": "{{ ids.id }}"}');
    const plan = await planOf(
      'url: http://127.0.0.1:8080\ndata:\n  ids: { file: ids.csv }\nrequests:\n  - name: item\n    path: /items/{{ ids.id }}\n    weight: 3\n  - name: order\n    method: POST\n    url: http://127.0.0.1:8080/orders\n    bodyFile: order.json\n',
      undefined,
      { requests: 900 },
    );
    assert.equal(plan.requests, 900);
    assert.deepEqual(plan.endpoints, []);
    assert.deepEqual(plan.flow?.pick, 'weighted');
    assert.deepEqual(plan.flow?.steps, [
      step({ name: 'item', path: '/items/{{ ids.id }}', weight: 3 }),
      step({ name: 'order', method: 'POST', path: '/orders', body: '{"id": "{{ ids.id }}"}' }),
    ]);
    assert.deepEqual(plan.flow?.data[0]?.rows, [['7'], ['8']]);
  });

  it('makes a request with a template, and no data, a weighted flow; one with neither keeps its endpoints', async () => {
    const templated = await planOf('requests:\n  - name: a\n    path: /{{ $uuid }}\n', 'http://127.0.0.1:8080');
    assert.equal(templated.flow?.pick, 'weighted');
    assert.deepEqual(templated.flow?.data, []);
    const plain = await planOf('requests:\n  - name: a\n    path: /x\n    weight: 2\n', 'http://127.0.0.1:8080');
    assert.equal(plain.flow, null);
    assert.deepEqual(
      plain.endpoints.map((e) => [e.name, e.path, e.weight]),
      [['a', '/x', 2]],
    );
  });

  it('takes the README journey and its users.csv as they are written there', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('### Journeys'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    const csv = /```csv\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(yaml && csv, 'README has a journey and its data file');
    await write('users.csv', csv);
    process.env.API_KEY = 'k-readme';
    const plan = await planOf(yaml);
    assert.deepEqual(
      plan.flow?.steps.map((s) => [s.name, s.method, s.origin, s.checks.length, s.captures.map((c) => c.name)]),
      [
        ['login', 'POST', 'http://127.0.0.1:8080', 2, ['token']],
        ['browse', 'GET', 'http://127.0.0.1:8080', 2, []],
        ['order', 'POST', 'http://127.0.0.1:8080', 2, ['order']],
      ],
    );
    assert.deepEqual(plan.flow?.steps[2]?.headers[1], ['x-api-key', 'k-readme']);
    assert.deepEqual(plan.flow?.data[0]?.rows, [
      ['ann', 'pa,ss "1"'],
      ['bob', 'hunter2'],
    ]);
    assert.deepEqual([plan.connections, plan.durationMs], [20, 60_000]);
  });

  // Every mistake: one line, `file:line:col: field: message`, exit 2, through the real binary.
  const bad: Array<[string, string, Record<string, string | Buffer>, RegExp]> = [
    [
      'an unknown template name',
      'flow:\n  - name: a\n    headers: { x-id: "{{ nope }}" }\n',
      {},
      /s\.yaml:3:22: flow\[0\]\.headers\.x-id: \{\{ nope \}\}: unknown name "nope": no earlier step captures it$/,
    ],
    [
      'an unknown data column',
      'data:\n  users: { file: u.csv }\nflow:\n  - name: a\n    path: /{{ users.email }}\n',
      { 'u.csv': 'name\na\n' },
      /s\.yaml:5:11: flow\[0\]\.path: .*data set users has no column "email" \(it has name\)$/,
    ],
    [
      'a capture used before it is taken',
      'flow:\n  - name: a\n    body: "{{ token }}"\n  - name: b\n    capture: { token: { json: $.t } }\n',
      {},
      /s\.yaml:3:11: flow\[0\]\.body: .*unknown name "token"/,
    ],
    [
      'an unset $env',
      'flow:\n  - name: a\n    path: /{{ $env.VOLLEY_TEST_UNSET_42 }}\n',
      {},
      /s\.yaml:3:11: flow\[0\]\.path: \{\{ \$env\.VOLLEY_TEST_UNSET_42 \}\}: VOLLEY_TEST_UNSET_42 is not set$/,
    ],
    [
      'malformed CSV',
      'data:\n  users: { file: u.csv }\nflow:\n  - name: a\n    path: /{{ users.name }}\n',
      { 'u.csv': 'name,password\nann,"p1\nbob,p2\n' },
      /u\.csv:2:5: data\.users: a quoted field is never closed$/,
    ],
    [
      'a ragged CSV row',
      'data:\n  users: { file: u.csv }\nflow:\n  - name: a\n',
      { 'u.csv': 'name,password\nann,p1\nbob\n' },
      /u\.csv:3:1: data\.users: 1 values for 2 columns \(name, password\)$/,
    ],
    [
      'malformed JSON',
      'data:\n  users: { file: u.json }\nflow:\n  - name: a\n',
      { 'u.json': '[\n  {"name": "a"},\n  {"name": }\n]\n' },
      /u\.json:3:12: data\.users: unexpected "}": expected a value/,
    ],
    [
      'a data file that is not there',
      'data:\n  users: { file: none.csv }\nflow:\n  - name: a\n',
      {},
      /s\.yaml:2:18: data\.users\.file: cannot read .*none\.csv: ENOENT$/,
    ],
    [
      'data that is not UTF-8',
      'data:\n  users: { file: u.csv }\nflow:\n  - name: a\n',
      { 'u.csv': Buffer.from([0x6e, 0x0a, 0x61, 0xff, 0x0a]) },
      /u\.csv:2:2: data\.users: not UTF-8 text$/,
    ],
    [
      'a bad capture regex',
      'flow:\n  - name: a\n    capture: { id: { regex: "id=(" } }\n',
      {},
      /s\.yaml:3:20: flow\[0\]\.capture\.id: capture id: not a regular expression/,
    ],
    [
      'a bad capture JSON path',
      'flow:\n  - name: a\n    capture: { id: { json: "$.items[x]" } }\n',
      {},
      /s\.yaml:3:20: flow\[0\]\.capture\.id: "\$\.items\[x\]": an index like \[0\]/,
    ],
    [
      'a capture of an unknown kind',
      'flow:\n  - name: a\n    capture: { id: { xpath: "//id" } }\n',
      {},
      /s\.yaml:3:20: flow\[0\]\.capture\.id: must be one of \{ json: \$\.path \}/,
    ],
    [
      'a check on an unknown field',
      'flow:\n  - name: a\n    check: { status: 200, body: x }\n',
      {},
      /s\.yaml:3:27: flow\[0\]\.check: unknown field "body"$/,
    ],
    [
      'a bad JSON path in a check',
      'flow:\n  - name: a\n    check: { json: { "$..x": 1 } }\n',
      {},
      /s\.yaml:3:30: flow\[0\]\.check\.json\.\$\.\.x: "\$\.\.x": a name after "\." at 2$/,
    ],
    [
      'a status out of range',
      'flow:\n  - name: a\n    check: { status: [200, 42] }\n',
      {},
      /s\.yaml:3:28: flow\[0\]\.check\.status\[1\]: must be >= 100$/,
    ],
    [
      'think time the wrong way round',
      'flow:\n  - name: a\n    think: 2s..1s\n',
      {},
      /s\.yaml:3:12: flow\[0\]\.think: 2s\.\.1s: the shorter pause goes first$/,
    ],
    [
      'two steps of one name',
      'flow:\n  - name: a\n  - name: a\n',
      {},
      /s\.yaml:3:11: flow\[1\]\.name: two steps are named "a"$/,
    ],
    [
      'flow and requests both',
      'flow:\n  - name: a\nrequests:\n  - name: b\n',
      {},
      /s\.yaml:3:1: scenario: give flow or requests, not both$/,
    ],
    [
      'cookies without a flow',
      'cookies: false\nrequests:\n  - name: b\n',
      {},
      /s\.yaml:1:10: cookies: cookies are kept per virtual user of a flow/,
    ],
    [
      'a rate with connection stages in load',
      'requests:\n  - name: a\nload:\n  rate: 50\n  stages: [{ duration: 10s, target: 5 }]\n',
      {},
      /s\.yaml:5:11: load\.stages: with a rate, stages are rates .*not connections$/,
    ],
    [
      'a connection count with connection stages in load',
      'requests:\n  - name: a\nload:\n  connections: 4\n  stages: [{ duration: 10s, target: 5 }]\n',
      {},
      /s\.yaml:4:16: load\.connections: connection stages set the connections: give no connection count$/,
    ],
    [
      'a duration and iterations in load',
      'flow:\n  - name: a\nload:\n  duration: 5s\n  iterations: 5\n',
      {},
      /s\.yaml:5:15: load\.iterations: give either a duration or a request count, not both$/,
    ],
    [
      'pipelining with per-request connections in load',
      'requests:\n  - name: a\nload:\n  pipelining: 4\n  client: per-request\n',
      {},
      /s\.yaml:4:15: load\.pipelining: pipelining needs pooled connections/,
    ],
    [
      'an open model without a rate in load',
      'requests:\n  - name: a\nload:\n  model: open\n',
      {},
      /s\.yaml:4:10: load\.model: the open model needs a rate, or rate stages$/,
    ],
    [
      'a threshold that does not parse',
      "requests:\n  - name: a\nthresholds:\n  - 'checks>0.99'\n  - 'p99<fast'\n",
      {},
      /s\.yaml:5:5: thresholds\[1\]: not a threshold: "p99<fast"/,
    ],
  ];
  for (const [what, yaml, files, pattern] of bad) {
    it(`refuses ${what}: one line with file:line:col, exit 2`, async () => {
      const sub = await mkdtemp(join(dir, 'bad-'));
      for (const [name, text] of Object.entries(files)) await writeFile(join(sub, name), text);
      const file = join(sub, 's.yaml');
      await writeFile(file, yaml);
      const out = await volley('run', 'http://127.0.0.1:9/', '--scenario', file);
      assertOneLine(out, pattern);
    });
  }

  it("refuses a --rate over the file's connection stages at the stages, not as a flag alone", async () => {
    const file = await write(
      'stages.yaml',
      'requests:\n  - name: a\nload:\n  stages: [{ duration: 10s, target: 5 }]\n',
    );
    const out = await volley('run', 'http://127.0.0.1:9/', '--scenario', file, '--rate', '100');
    assertOneLine(out, /stages\.yaml:4:11: load\.stages: these stages are connections: they cannot go with --rate$/);
  });

  it('refuses data over 16 MiB of values at the row that passes it (a real 17 MiB file)', async () => {
    const row = `${'x'.repeat(1020)},pw\n`;
    await write('big.csv', `name,password\n${row.repeat(17 * 1024)}`);
    const file = await write('big.yaml', 'data:\n  users: { file: big.csv, order: unique }\nflow:\n  - name: a\n');
    const out = await volley('run', 'http://127.0.0.1:9/', '--scenario', file);
    // 16 MiB of values: 16,416 rows of 1,022 characters, plus the header's 12, pass it on row 16,417 (line 16,418).
    assertOneLine(out, /big\.csv:16418:1: data\.users: the data sets hold over 16 MiB of values in all \(the limit\)$/);
  });
});

function assertOneLine(out: { code: number; stdout: string; stderr: string }, pattern: RegExp): void {
  assert.equal(out.code, 2, out.stderr);
  assert.equal(out.stdout, '');
  const lines = out.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, out.stderr);
  assert.match(lines[0] ?? '', /^volley: \//);
  assert.match(lines[0] ?? '', pattern);
}
