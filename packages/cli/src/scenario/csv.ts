/** A data file's mistake at its own place: 1-based line and column in that file. */
export class DataFileError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly col: number,
  ) {
    super(message);
    this.name = 'DataFileError';
  }
}

/** Rows of a data file: the column names and each row's values, in the file's order. */
export interface Table {
  columns: string[];
  rows: string[][];
}

/**
 * Parses CSV strictly (RFC 4180): a header row, then one record per line (LF or CRLF); a field in double quotes
 * may hold commas, newlines and `""` for a quote. A quote inside an unquoted field, text after a closing quote,
 * an unclosed quote and a row of another width are errors at their line. Trailing empty lines are ignored.
 * `budget` bounds the values' total length: past it, `tooBig` is thrown at the row that crossed it.
 */
export function parseCsv(text: string, budget: { left: number }, tooBig: (line: number) => Error): Table {
  const records: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = text.length;
  const endField = () => {
    fields.push(field);
    budget.left -= field.length;
    field = '';
  };
  const endRecord = () => {
    endField();
    records.push({ line: recordLine, fields });
    if (budget.left < 0) throw tooBig(recordLine);
    fields = [];
  };
  while (i < n) {
    const fieldStart = i;
    if (text[i] === '"') {
      const openLine = line;
      const openCol = column(text, i);
      i++;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote < 0) throw new DataFileError('a quoted field is never closed', openLine, openCol);
        const part = text.slice(i, quote);
        line += count(part, '\n');
        field += part;
        if (text[quote + 1] === '"') {
          field += '"';
          i = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      const next = text[i];
      if (i < n && next !== ',' && next !== '\n' && !(next === '\r' && text[i + 1] === '\n')) {
        throw new DataFileError(
          'text after a closing quote (a quote inside a field is written "")',
          line,
          column(text, i),
        );
      }
    } else {
      while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
      if (text[i] === '\r' && text[i + 1] !== '\n') {
        throw new DataFileError('a carriage return outside quotes, not before a line feed', line, column(text, i));
      }
      field = text.slice(fieldStart, i);
      const quote = field.indexOf('"');
      if (quote >= 0) {
        throw new DataFileError(
          'a quote inside an unquoted field (quote the whole field, and write a quote as "")',
          line,
          column(text, fieldStart + quote),
        );
      }
    }
    if (i >= n) break;
    if (text[i] === ',') {
      // A comma that ends the text leaves one empty field, which the end below adds.
      endField();
      i++;
      continue;
    }
    // A line break: "\n" or "\r\n".
    i += text[i] === '\r' ? 2 : 1;
    endRecord();
    line++;
    recordLine = line;
  }
  if (field !== '' || fields.length > 0 || (i > 0 && text[n - 1] === '"')) endRecord();
  // Trailing empty lines are no records.
  while (records.length > 0 && isEmpty(records[records.length - 1]?.fields)) records.pop();
  const header = records.shift();
  if (!header) throw new DataFileError('no header row: the first line names the columns', 1, 1);
  const columns = header.fields;
  columns.forEach((name, k) => {
    if (name === '') throw new DataFileError(`column ${k + 1} of the header has no name`, header.line, 1);
    if (columns.indexOf(name) !== k) {
      throw new DataFileError(`the header names column ${JSON.stringify(name)} twice`, header.line, 1);
    }
  });
  const rows = records.map(({ line: at, fields: row }) => {
    if (row.length !== columns.length) {
      throw new DataFileError(`${row.length} values for ${columns.length} columns (${columns.join(', ')})`, at, 1);
    }
    return row;
  });
  if (rows.length === 0) throw new DataFileError('a header row and no rows', header.line, 1);
  return { columns, rows };
}

const isEmpty = (fields: string[] | undefined) => fields !== undefined && fields.length === 1 && fields[0] === '';

function count(text: string, c: string): number {
  let k = 0;
  for (let at = text.indexOf(c); at >= 0; at = text.indexOf(c, at + 1)) k++;
  return k;
}

/** 1-based column of `offset` in its line. */
export function column(text: string, offset: number): number {
  return offset - text.lastIndexOf('\n', offset - 1);
}
