/**
 * Cells of meshsim's CSV files: numbers as JavaScript prints them (exact round trip), NaN,
 * ±Infinity and null as empty cells, strings as they are, anything else (a swept flow mapping
 * such as `{kind: random}`) as compact JSON. Records end with LF, the last one included.
 */
import { stringify } from 'csv-stringify/sync';

export function csvCell(value: unknown): string {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

/** The CSV text of `rows` (arrays, not objects: dotted column names must stay flat). */
export function csvText(rows: readonly (readonly string[])[]): string {
  return stringify(rows as string[][], { header: false, record_delimiter: '\n', eof: true });
}
