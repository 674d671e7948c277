import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataFileError, parseCsv } from '../src/scenario/csv.js';
import { parseJsonRows } from '../src/scenario/json-rows.js';

const budget = () => ({ left: 1 << 20 });
const tooBig = (line: number) => new Error(`too big at ${line}`);
const csv = (text: string) => parseCsv(text, budget(), tooBig);
const json = (text: string) => parseJsonRows(text, false, budget(), tooBig);
const jsonl = (text: string) => parseJsonRows(text, true, budget(), tooBig);

/** The line, column and message of a data file's mistake. */
const mistake = (fn: () => unknown): [number, number, string] => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DataFileError, String(err));
    return [err.line, err.col, err.message];
  }
  assert.fail('no error');
};

describe('CSV data', () => {
  it('reads the header as columns, and quoted fields with commas, quotes and newlines', () => {
    assert.deepEqual(csv('name,password\n"a,b","say ""hi"""\nc,"two\nlines"\n'), {
      columns: ['name', 'password'],
      rows: [
        ['a,b', 'say "hi"'],
        ['c', 'two\nlines'],
      ],
    });
  });

  it('takes CRLF line ends, empty fields, a last line without a line end, and ignores trailing empty lines', () => {
    assert.deepEqual(csv('a,b,c\r\n1,,3\r\n"",x,\r\n4,5,6\n\n\n'), {
      columns: ['a', 'b', 'c'],
      rows: [
        ['1', '', '3'],
        ['', 'x', ''],
        ['4', '5', '6'],
      ],
    });
    assert.deepEqual(csv('a\n"q"').rows, [['q']]);
    assert.deepEqual(csv('a,b\n1,').rows, [['1', '']]);
  });

  const bad: Array<[string, string, [number, number, RegExp]]> = [
    ['a row of another width', 'a,b\n1,2\n3\n', [3, 1, /^1 values for 2 columns \(a, b\)$/]],
    ['a quote that is never closed', 'a,b\n1,2\n"x,3\n4,5\n', [3, 1, /never closed/]],
    ['a quote inside an unquoted field', 'a,b\n1,x"y\n', [2, 4, /a quote inside an unquoted field/]],
    ['text after a closing quote', 'a,b\n"x"y,2\n', [2, 4, /text after a closing quote/]],
    ['a line number counted through quoted newlines', 'a,b\n"1\n\n",2\n3\n', [5, 1, /1 values for 2 columns/]],
    ['an empty column name', 'a,,c\n1,2,3\n', [1, 1, /column 2 of the header has no name/]],
    ['a column named twice', 'a,a\n1,2\n', [1, 1, /names column "a" twice/]],
    ['a header and no rows', 'a,b\n', [1, 1, /no rows/]],
    ['an empty file', '', [1, 1, /no header row/]],
    ['a lone carriage return', 'a,b\n1,2\r3,4\n', [2, 4, /carriage return/]],
  ];
  for (const [what, text, [line, col, message]] of bad) {
    it(`refuses ${what} at its line and column`, () => {
      const [l, c, m] = mistake(() => csv(text));
      assert.deepEqual([l, c], [line, col], m);
      assert.match(m, message);
    });
  }

  it('stops at the row that passes the size budget', () => {
    // 2 for the header, 11 for each of rows 0-9 (lines 2-11), 12 after: row 42, on line 44, passes 500.
    const rows = Array.from({ length: 100 }, (_, i) => `${'x'.repeat(10)},${i}`).join('\n');
    assert.throws(() => parseCsv(`a,b\n${rows}`, { left: 500 }, tooBig), /too big at 44/);
  });
});

describe('JSON data', () => {
  it("reads an array of flat objects: the first one's keys are the columns, numbers and booleans as their JSON", () => {
    assert.deepEqual(
      json('[\n {"name": "a\\"b", "n": 1.50, "ok": true},\n {"ok": false, "name": "\\u00e9", "n": -2e3}\n]\n'),
      {
        columns: ['name', 'n', 'ok'],
        rows: [
          ['a"b', '1.50', 'true'],
          ['é', '-2e3', 'false'],
        ],
      },
    );
  });

  it('reads JSON lines, skipping empty lines', () => {
    assert.deepEqual(jsonl('{"u":"a","p":"1"}\n\n{"p":"2","u":"b"}\r\n'), {
      columns: ['u', 'p'],
      rows: [
        ['a', '1'],
        ['b', '2'],
      ],
    });
  });

  const bad: Array<[string, () => unknown, [number, number, RegExp]]> = [
    [
      'a missing key',
      () => json('[{"a":"1","b":"2"},\n {"a":"3"}]'),
      [2, 2, /no "b": every row has the first row's keys/],
    ],
    ['an extra key', () => json('[{"a":"1"},\n {"a":"3","c":"4"}]'), [2, 2, /"c" is not a key of the first row/]],
    ['a nested value', () => json('[{"a":{"b":1}}]'), [1, 7, /not an object or array/]],
    ['a null', () => json('[{"a":null}]'), [1, 7, /a value in every column/]],
    ['a missing comma', () => json('[{"a":"1"}\n{"a":"2"}]'), [2, 1, /expected "," or "]"/]],
    ['a trailing comma in an object', () => json('[{"a":"1",}]'), [1, 11, /expected a string/]],
    ['a string never closed', () => json('[{"a":"1}]'), [1, 7, /never closed/]],
    ['a bad escape', () => json('[{"a":"\\x"}]'), [1, 7, /bad escape/]],
    ['not an array', () => json('{"a":"1"}'), [1, 1, /a JSON array of objects/]],
    ['an empty array', () => json('[ ]'), [1, 3, /no rows/]],
    ['text after the array', () => json('[{"a":"1"}] x'), [1, 13, /text after the array/]],
    ['a key twice', () => json('[{"a":"1","a":"2"}]'), [1, 11, /the key "a" twice/]],
    ['two objects on one line', () => jsonl('{"a":"1"} {"a":"2"}\n'), [1, 11, /one JSON object a line/]],
    ['a broken line', () => jsonl('{"a":"1"}\n{"a": }\n'), [2, 7, /expected a value/]],
    ['no rows', () => jsonl('\n\n'), [1, 1, /no rows/]],
  ];
  for (const [what, fn, [line, col, message]] of bad) {
    it(`refuses ${what} at its line and column`, () => {
      const [l, c, m] = mistake(fn);
      assert.deepEqual([l, c], [line, col], m);
      assert.match(m, message);
    });
  }
});
