/**
 * A deliberately small CSV reader for one numeric column: comma-separated fields, optional
 * double quotes (`""` inside them is a quote), an optional header row, blank lines and `#`
 * comment lines skipped. Data files for traces and empirical distributions need no more, and
 * every bad cell is reported with its line number.
 */
import type { ScenarioProblem } from './errors.js';
import { closestMatch } from './suggest.js';
import { renderValue } from './render-value.js';

export interface NumericColumn {
  /** The numbers, in file order, as written (no unit conversion). */
  readonly values: number[];
  /** 1-based line of each value, for later checks (ordering) to point at. */
  readonly lines: number[];
  /** How to name the column in messages: `"latency"` or `0`. */
  readonly label: string;
}

/** Bad cells reported per file: enough to see the pattern, not a screenful per line. */
export const MAX_PROBLEMS_PER_FILE = 10;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Reads `column` (header name or 0-based index; default the first) of the CSV `text`. */
export function readNumericColumn(
  text: string,
  file: string,
  column: string | number | undefined,
): { column: NumericColumn; problems: ScenarioProblem[] } {
  const problems: ScenarioProblem[] = [];
  const rows = dataRows(text);
  const values: number[] = [];
  const lines: number[] = [];

  // A header is the first row when a column is named, or when none of its fields is a number.
  const first = rows[0];
  const hasHeader =
    first !== undefined && (typeof column === 'string' || first.fields.every((f) => !NUMBER.test(f.trim())));
  const header = hasHeader ? first!.fields.map((f) => f.trim()) : undefined;

  let index = typeof column === 'number' ? column : 0;
  let label = typeof column === 'number' ? String(column) : header?.[0] !== undefined ? JSON.stringify(header[0]) : '0';
  if (typeof column === 'string') {
    const found = header!.indexOf(column);
    if (found < 0) {
      const suggestion = closestMatch(column, header!);
      problems.push({
        file,
        line: first!.line,
        message:
          `expected a column named ${JSON.stringify(column)} in the header row, ` +
          `found ${header!.map((h) => JSON.stringify(h)).join(', ')}` +
          (suggestion !== undefined ? `; did you mean ${JSON.stringify(suggestion)}?` : ''),
      });
      return { column: { values, lines, label: JSON.stringify(column) }, problems };
    }
    index = found;
    label = JSON.stringify(column);
  } else if (header !== undefined && header[index] !== undefined) {
    label = JSON.stringify(header[index]);
  }

  let bad = 0;
  const report = (problem: ScenarioProblem): void => {
    if (bad++ < MAX_PROBLEMS_PER_FILE) problems.push(problem);
  };
  const multiColumn = rows.some((r) => r.fields.length > 1) || typeof column !== 'undefined';
  for (const row of hasHeader ? rows.slice(1) : rows) {
    const cell = row.fields[index];
    if (cell === undefined) {
      report({ file, line: row.line, message: `expected at least ${index + 1} columns, found ${row.fields.length}` });
      continue;
    }
    const trimmed = cell.trim();
    if (!NUMBER.test(trimmed)) {
      const where = multiColumn ? ` in column ${label}` : '';
      report({ file, line: row.line, message: `expected a number${where}, found ${renderValue(cell)}` });
      continue;
    }
    values.push(Number(trimmed));
    lines.push(row.line);
  }
  if (bad > MAX_PROBLEMS_PER_FILE) {
    problems.push({ file, message: `… and ${bad - MAX_PROBLEMS_PER_FILE} more bad lines` });
  }
  if (problems.length === 0 && values.length === 0) {
    problems.push({ file, message: `expected at least one number${hasHeader ? ' below the header' : ''}, found no data rows` });
  }
  return { column: { values, lines, label }, problems };
}

interface Row {
  readonly line: number;
  readonly fields: string[];
}

function dataRows(text: string): Row[] {
  const rows: Row[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (const [i, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    rows.push({ line: i + 1, fields: splitFields(line) });
  }
  return rows;
}

/** Splits one line at commas outside double quotes; quotes are removed, `""` becomes `"`. */
function splitFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
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
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}
