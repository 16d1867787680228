/**
 * A deliberately small CSV reader for one numeric column: comma-separated fields, optional
 * double quotes (`""` inside them is a quote), an optional header row, blank lines and `#`
 * comment lines skipped. Data files for traces and empirical distributions need no more, and
 * every bad cell is reported with its line and column.
 */
import { closestMatch } from './suggest.js';
import { renderValue } from './render-value.js';

export interface NumericColumn {
  /** The numbers, in file order, as written (no unit conversion). */
  readonly values: number[];
  /** 1-based line and column of each value's cell, for later checks (ordering) to point at. */
  readonly lines: number[];
  readonly columns: number[];
  /** How to name the column in messages: `"latency"` or `0`. */
  readonly label: string;
}

/** A problem inside the CSV text: where (1-based) and what. */
export interface CsvProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** Bad cells reported per file: enough to see the pattern, not a screenful per line. */
export const MAX_PROBLEMS_PER_FILE = 10;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Reads `column` (header name or 0-based index; default the first) of the CSV `text`. */
export function readNumericColumn(text: string, column: string | number | undefined): { column: NumericColumn; problems: CsvProblem[] } {
  const problems: CsvProblem[] = [];
  const rows = dataRows(text);
  const values: number[] = [];
  const lines: number[] = [];
  const columns: number[] = [];
  const result = (label: string) => ({ column: { values, lines, columns, label }, problems });

  const first = rows[0];
  if (first === undefined) {
    problems.push({ line: 1, column: 1, message: 'expected a CSV file with at least one number, found no rows (only blank or # comment lines)' });
    return result(typeof column === 'string' ? JSON.stringify(column) : String(column ?? 0));
  }
  // A header is the first row when a column is named, or when none of its fields is a number.
  const hasHeader = typeof column === 'string' || first.fields.every((f) => !NUMBER.test(f.text.trim()));
  const header = hasHeader ? first.fields.map((f) => f.text.trim()) : undefined;

  let index = typeof column === 'number' ? column : 0;
  let label = typeof column === 'number' ? String(column) : header?.[0] !== undefined ? JSON.stringify(header[0]) : '0';
  if (typeof column === 'string') {
    const found = header!.indexOf(column);
    if (found < 0) {
      const suggestion = closestMatch(column, header!);
      problems.push({
        line: first.line,
        column: 1,
        message:
          `expected a column named ${JSON.stringify(column)} in the header row, ` +
          `found ${header!.map((h) => JSON.stringify(h)).join(', ')}` +
          (suggestion !== undefined ? `; did you mean ${JSON.stringify(suggestion)}?` : ''),
      });
      return result(JSON.stringify(column));
    }
    index = found;
    label = JSON.stringify(column);
  } else if (header !== undefined && header[index] !== undefined) {
    label = JSON.stringify(header[index]);
  }

  let bad = 0;
  let firstUnreported: CsvProblem | undefined;
  const report = (problem: CsvProblem): void => {
    if (bad++ < MAX_PROBLEMS_PER_FILE) problems.push(problem);
    else firstUnreported ??= problem;
  };
  const multiColumn = rows.some((r) => r.fields.length > 1) || typeof column !== 'undefined';
  for (const row of hasHeader ? rows.slice(1) : rows) {
    const cell = row.fields[index];
    if (cell === undefined) {
      report({ line: row.line, column: row.length + 1, message: `expected at least ${index + 1} columns, found ${row.fields.length}` });
      continue;
    }
    const trimmed = cell.text.trim();
    if (!NUMBER.test(trimmed)) {
      const where = multiColumn ? ` in column ${label}` : '';
      report({ line: row.line, column: cell.column, message: `expected a number${where}, found ${renderValue(cell.text)}` });
      continue;
    }
    values.push(Number(trimmed));
    lines.push(row.line);
    columns.push(cell.column);
  }
  if (firstUnreported !== undefined) {
    problems.push({ ...firstUnreported, message: `… and ${bad - MAX_PROBLEMS_PER_FILE} more bad lines from here on` });
  }
  if (problems.length === 0 && values.length === 0) {
    problems.push({ line: first.line, column: 1, message: `expected at least one number${hasHeader ? ' below the header' : ''}, found no data rows` });
  }
  return result(label);
}

interface Field {
  readonly text: string;
  /** 1-based column of the field's first character in its line. */
  readonly column: number;
}

interface Row {
  readonly line: number;
  readonly fields: Field[];
  /** Characters in the line. */
  readonly length: number;
}

function dataRows(text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (const [i, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    rows.push({ line: i + 1, fields: splitFields(line), length: line.length });
  }
  return rows;
}

/** Splits one line at commas outside double quotes; quotes are removed, `""` becomes `"`. */
function splitFields(line: string): Field[] {
  const fields: Field[] = [];
  let field = '';
  let start = 0;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      fields.push({ text: field, column: start + 1 });
      field = '';
      start = i + 1;
    } else {
      field += ch;
    }
  }
  fields.push({ text: field, column: start + 1 });
  return fields;
}
