import { column, DataFileError, type Table } from './csv.js';

const WS = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/**
 * Reads a JSON array of flat objects (`[{"name": "a", "password": "p"}, …]`) or JSON lines (one such object a
 * line) strictly, with every mistake at its line and column: the first object's keys are the columns, every
 * other object has the same keys, and each value is a string, number or boolean (numbers and booleans as their
 * JSON text). Only this shape is accepted, so the scanner needs no recursion and no JSON.parse position guessing.
 */
export function parseJsonRows(
  text: string,
  lines: boolean,
  budget: { left: number },
  tooBig: (line: number) => Error,
): Table {
  const s = new Scanner(text);
  const objects: Array<{ at: number; entries: Array<[string, string]> }> = [];
  if (lines) {
    for (s.ws(); !s.done(); s.ws()) {
      objects.push({ at: s.at, entries: s.object(budget) });
      if (budget.left < 0) throw tooBig(s.lineOf(s.at));
      // One object a line: what follows it on its line is a mistake.
      s.inline();
      if (!s.done() && text[s.at] !== '\n' && text[s.at] !== '\r') s.fail('one JSON object a line, then a line break');
    }
  } else {
    s.ws();
    s.expect('[', 'a JSON array of objects, one per row');
    s.ws();
    if (text[s.at] === ']') s.fail('an empty array: no rows');
    for (;;) {
      s.ws();
      objects.push({ at: s.at, entries: s.object(budget) });
      if (budget.left < 0) throw tooBig(s.lineOf(s.at));
      s.ws();
      if (text[s.at] === ']') break;
      s.expect(',', '"," or "]"');
    }
    s.at++;
    s.ws();
    if (!s.done()) s.fail('text after the array');
  }
  const first = objects[0];
  if (!first) throw new DataFileError('no rows', 1, 1);
  const columns = first.entries.map(([key]) => key);
  const rows = objects.map(({ at, entries }) => {
    const row = columns.map((c) => {
      const entry = entries.find(([key]) => key === c);
      if (!entry) s.failAt(at, `no ${JSON.stringify(c)}: every row has the first row's keys (${columns.join(', ')})`);
      return (entry as [string, string])[1];
    });
    if (entries.length !== columns.length) {
      const extra = entries.find(([key]) => !columns.includes(key))?.[0];
      s.failAt(at, `${JSON.stringify(extra)} is not a key of the first row (${columns.join(', ')})`);
    }
    return row;
  });
  return { columns, rows };
}

class Scanner {
  at = 0;
  constructor(readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }

  ws(): void {
    WS.lastIndex = this.at;
    WS.exec(this.text);
    this.at = WS.lastIndex;
  }

  /** Spaces and tabs only: the rest of a JSON line. */
  inline(): void {
    while (this.text[this.at] === ' ' || this.text[this.at] === '\t') this.at++;
  }

  lineOf(offset: number): number {
    let line = 1;
    for (let i = this.text.indexOf('\n'); i >= 0 && i < offset; i = this.text.indexOf('\n', i + 1)) line++;
    return line;
  }

  failAt(offset: number, why: string): never {
    throw new DataFileError(why, this.lineOf(offset), column(this.text, offset));
  }

  fail(why: string): never {
    const c = this.text[this.at];
    this.failAt(this.at, `${c === undefined ? 'the text ends' : `unexpected ${JSON.stringify(c)}`}: expected ${why}`);
  }

  expect(c: string, what: string): void {
    if (this.text[this.at] !== c) this.fail(what);
    this.at++;
  }

  /** `{"key": scalar, …}`, its values as text. */
  object(budget: { left: number }): Array<[string, string]> {
    this.expect('{', 'an object: {"column": "value", …}');
    const entries: Array<[string, string]> = [];
    this.ws();
    if (this.text[this.at] === '}') this.fail('a key: a row has at least one column');
    for (;;) {
      this.ws();
      const keyAt = this.at;
      const key = this.string();
      if (entries.some(([k]) => k === key)) this.failAt(keyAt, `the key ${JSON.stringify(key)} twice in one row`);
      this.ws();
      this.expect(':', '":"');
      this.ws();
      const value = this.scalar();
      budget.left -= value.length;
      entries.push([key, value]);
      this.ws();
      if (this.text[this.at] === '}') break;
      this.expect(',', '"," or "}"');
    }
    this.at++;
    return entries;
  }

  string(): string {
    const start = this.at;
    if (this.text[start] !== '"') this.fail('a string in double quotes');
    let i = start + 1;
    for (;;) {
      const c = this.text[i];
      if (c === undefined || c === '\n') this.failAt(start, 'a string that is never closed');
      if (c === '"') break;
      i += c === '\\' ? 2 : 1;
    }
    this.at = i + 1;
    try {
      return JSON.parse(this.text.slice(start, i + 1)) as string;
    } catch {
      return this.failAt(start, 'not a valid JSON string (a control character or a bad escape)');
    }
  }

  scalar(): string {
    const c = this.text[this.at];
    if (c === '"') return this.string();
    for (const re of [NUMBER, LITERAL]) {
      re.lastIndex = this.at;
      const m = re.exec(this.text);
      if (m) {
        if (m[0] === 'null') this.fail('a string, number or boolean: a row has a value in every column');
        this.at = re.lastIndex;
        return m[0];
      }
    }
    if (c === '{' || c === '[') this.fail('a string, number or boolean: a data value is not an object or array');
    return this.fail('a value: a string, number or boolean');
  }
}
