import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  askedRate,
  compileFlow,
  describePlan,
  expandEnv,
  type Flow,
  type FlowStep,
  maxShares,
  PlanError,
  parseJsonPath,
  readJsonPath,
  resolvePlan,
  splitPlan,
} from '../src/index.js';

const step = (over: Partial<FlowStep> = {}): FlowStep => ({
  name: 'a',
  method: 'GET',
  origin: 'http://127.0.0.1:8080',
  path: '/',
  headers: [],
  body: null,
  checks: [],
  captures: [],
  think: null,
  weight: 1,
  ...over,
});

const flowOf = (steps: FlowStep[], over: Partial<Flow> = {}): Flow => ({
  pick: 'sequence',
  steps,
  data: [],
  cookies: true,
  seqStart: 0,
  seqStride: 1,
  vuStart: 1,
  ...over,
});

const users = (n: number) => ({
  name: 'users',
  order: 'unique' as const,
  columns: ['name', 'password'],
  rows: Array.from({ length: n }, (_, i) => [`u${i}`, `p${i}`]),
});

const fieldOf = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof PlanError, String(err));
    return [err.code, err.field];
  }
  assert.fail('no error');
};

describe('flow templates', () => {
  it('compiles data columns, captures of earlier steps and built-ins into segments', () => {
    const flow = flowOf(
      [
        step({
          name: 'login',
          path: '/login?u={{ users.name }}',
          captures: [{ name: 'token', from: 'json', expr: '$.token' }],
        }),
        step({ name: 'me', path: '/me/{{$seq}}', headers: [['authorization', 'Bearer {{ token }}']] }),
      ],
      { data: [users(2)] },
    );
    const compiled = compileFlow(flow);
    assert.deepEqual(compiled.steps[0]?.path, [
      { kind: 'text', text: '/login?u=' },
      { kind: 'data', set: 0, column: 0 },
    ]);
    assert.deepEqual(compiled.steps[1]?.headers[0]?.[1], [
      { kind: 'text', text: 'Bearer ' },
      { kind: 'var', slot: 0 },
    ]);
    assert.equal(compiled.steps[0]?.fixed, false);
    assert.equal(compiled.steps[0]?.readsBody, true);
    assert.equal(compiled.slots, 1);
  });

  it('refuses an unknown name with its place in the file', () => {
    const flow = flowOf([step({ headers: [['x-id', '{{ nope }}']] })]);
    assert.deepEqual(
      fieldOf(() => resolvePlan({ url: 'http://127.0.0.1:8080/', flow })),
      ['INVALID_TEMPLATE', ['flow', 0, 'headers', 'x-id']],
    );
  });

  it('refuses a capture used before the step that takes it', () => {
    const flow = flowOf([
      step({ name: 'a', path: '/{{ token }}' }),
      step({ name: 'b', captures: [{ name: 'token', from: 'header', expr: 'x-token' }] }),
    ]);
    assert.deepEqual(
      fieldOf(() => compileFlow(flow)),
      ['INVALID_TEMPLATE', ['flow', 0, 'path']],
    );
  });

  it('refuses unknown columns, bad $randomInt and an unclosed {{', () => {
    const data = [users(1)];
    for (const path of ['/{{ users.email }}', '/{{ $randomInt 5 1 }}', '/{{ $uuid', '/{{ $nope }}']) {
      const [code] = fieldOf(() => compileFlow(flowOf([step({ path })], { data }))) as [string];
      assert.equal(code, 'INVALID_TEMPLATE', path);
    }
  });

  it('takes a | json filter, and refuses any other', () => {
    const data = [users(1)];
    assert.deepEqual(
      compileFlow(flowOf([step({ body: '{"p":"{{ users.password | json }}"}' })], { data })).steps[0]?.body,
      [
        { kind: 'text', text: '{"p":"' },
        { kind: 'json', of: { kind: 'data', set: 0, column: 1 } },
        { kind: 'text', text: '"}' },
      ],
    );
    const [code] = fieldOf(() => compileFlow(flowOf([step({ path: '/{{ $uuid | upper }}' })], { data }))) as [string];
    assert.equal(code, 'INVALID_TEMPLATE');
  });

  it('gives two captures of one step their own slots', () => {
    const flow = flowOf([
      step({
        name: 'a',
        captures: [
          { name: 'x', from: 'header', expr: 'x' },
          { name: 'y', from: 'regex', expr: 'id=(\\d+)' },
        ],
      }),
      step({ name: 'b', path: '/{{ x }}/{{ y }}' }),
    ]);
    assert.deepEqual(compileFlow(flow).steps[1]?.path, [
      { kind: 'text', text: '/' },
      { kind: 'var', slot: 0 },
      { kind: 'text', text: '/' },
      { kind: 'var', slot: 1 },
    ]);
  });

  it('fills in $env where the run starts, and refuses an unset name', () => {
    assert.equal(expandEnv('Bearer {{ $env.TOKEN }}', { TOKEN: 's3' }), 'Bearer s3');
    assert.throws(() => expandEnv('{{ $env.MISSING }}', {}), /MISSING is not set/);
  });

  it('refuses a regex that could not run in linear time (backreferences, lookarounds), and keeps the rest', () => {
    const refused: Array<[string, RegExp]> = [
      ['(a)\\1', /a backreference \(\\1\)/],
      ['(?<x>a)\\k<x>', /a named backreference/],
      ['id(?=\\d)', /a lookahead \(\(\?=\)/],
      ['(?!x)y', /a lookahead \(\(\?!\)/],
      ['(?<=id=)\\d+', /a lookbehind \(\(\?<=\)/],
      ['(?<!a)b', /a lookbehind/],
    ];
    for (const [expr, reason] of refused) {
      const flow = flowOf([step({ captures: [{ name: 'x', from: 'regex', expr }] })]);
      assert.throws(() => compileFlow(flow), reason, expr);
      assert.deepEqual(
        fieldOf(() => compileFlow(flow)),
        ['INVALID_FLOW', ['flow', 0, 'capture', 'x']],
      );
    }
    // Escapes and classes are read as such: none of these is a backreference or a lookaround.
    for (const expr of ['[\\1(?=]+', '\\(\\?=', '(?<name>\\d+)', '(?:a|b)+', 'token":"([^"]*)"', '\\\\1']) {
      assert.doesNotThrow(() => compileFlow(flowOf([step({ captures: [{ name: 'x', from: 'regex', expr }] })])), expr);
    }
  });

  it('refuses a bad regex and a bad JSON path at their capture', () => {
    const regex = flowOf([step({ captures: [{ name: 'x', from: 'regex', expr: '(' }] })]);
    assert.deepEqual(
      fieldOf(() => compileFlow(regex)),
      ['INVALID_FLOW', ['flow', 0, 'capture', 'x']],
    );
    const json = flowOf([step({ captures: [{ name: 'x', from: 'json', expr: 'token' }] })]);
    assert.deepEqual(
      fieldOf(() => compileFlow(json)),
      ['INVALID_JSON_PATH', ['flow', 0, 'capture', 'x']],
    );
  });
});

describe('JSON paths', () => {
  it('reads keys, indexes and quoted keys, and nothing past a missing part', () => {
    const doc = { a: { b: [{ c: 1 }, { 'd e': 'x' }] } };
    assert.equal(readJsonPath(doc, parseJsonPath('$.a.b[0].c')), 1);
    assert.equal(readJsonPath(doc, parseJsonPath("$.a.b[1]['d e']")), 'x');
    assert.equal(readJsonPath(doc, parseJsonPath('$.a.x.y')), undefined);
    assert.equal(readJsonPath(doc, parseJsonPath('$.constructor')), undefined);
    assert.deepEqual(readJsonPath(doc, parseJsonPath('$')), doc);
  });
});

describe('splitting a flow', () => {
  const plan = (n: number) =>
    resolvePlan({ url: 'http://127.0.0.1:8080/', connections: 5, flow: flowOf([step()], { data: [users(n)] }) });

  it('gives each share its own block of unique rows: every row once, none lost', () => {
    const parts = splitPlan(plan(10), 3);
    const rows = parts.flatMap((p) => p.flow?.data[0]?.rows.map((r) => r[0]) ?? []);
    assert.deepEqual(
      rows,
      Array.from({ length: 10 }, (_, i) => `u${i}`),
    );
    assert.deepEqual(
      parts.map((p) => p.flow?.data[0]?.rows.length),
      [4, 3, 3],
    );
  });

  it('interleaves $seq and numbers virtual users on across shares', () => {
    const parts = splitPlan(plan(10), 2);
    assert.deepEqual(
      parts.map((p) => [p.flow?.seqStart, p.flow?.seqStride, p.flow?.vuStart]),
      [
        [0, 2, 1],
        [1, 2, 4],
      ],
    );
    const again = splitPlan(parts[1] as (typeof parts)[number], 2);
    assert.deepEqual(
      again.map((p) => [p.flow?.seqStart, p.flow?.seqStride]),
      [
        [1, 4],
        [3, 4],
      ],
    );
  });

  it('cannot give more shares than there are unique rows', () => {
    assert.equal(maxShares(plan(2)), 2);
    assert.throws(() => splitPlan(plan(2), 3, '3 agents'), /3 agents need at least 3 rows of each unique data set/);
  });

  it('shows data by size in the result, never its rows', () => {
    const section = describePlan(plan(3));
    assert.deepEqual(section.flow?.data, [{ name: 'users', order: 'unique', columns: ['name', 'password'], rows: 3 }]);
    assert.ok(!JSON.stringify(section).includes('p1'));
  });
});

describe('the rate a flow asks for', () => {
  it('is its iteration rate times its steps in sequence, the iteration rate when picked by weight', () => {
    const two = [step({ name: 'a' }), step({ name: 'b' })];
    const at = (flow: Flow) => askedRate(resolvePlan({ url: 'http://127.0.0.1:8080/', rate: 50, flow }));
    assert.equal(at(flowOf(two)), 100);
    assert.equal(at(flowOf(two, { pick: 'weighted' })), 50);
  });
});

describe('checking a flow', () => {
  const resolve = (flow: Flow) => resolvePlan({ url: 'http://127.0.0.1:8080/', flow });
  it('refuses rows of the wrong width, duplicate steps and bad statuses, each at its field', () => {
    const ragged = { ...users(2), rows: [['a', 'b'], ['c']] };
    assert.deepEqual(
      fieldOf(() => resolve(flowOf([step()], { data: [ragged] }))),
      ['INVALID_DATA', ['data', 'users']],
    );
    assert.deepEqual(
      fieldOf(() => resolve(flowOf([step(), step()]))),
      ['INVALID_FLOW', ['flow', 1, 'name']],
    );
    const status = step({ checks: [{ type: 'status', statuses: [42] }] });
    assert.deepEqual(
      fieldOf(() => resolve(flowOf([status]))),
      ['INVALID_FLOW', ['flow', 0, 'check', 'status']],
    );
    assert.deepEqual(
      fieldOf(() => resolve(flowOf([step({ path: '/a b' })]))),
      ['INVALID_FLOW', ['flow', 0, 'path']],
    );
  });
});
