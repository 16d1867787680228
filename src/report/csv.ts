/**
 * A small RFC 4180 reader for the CSV files meshsim writes (timeseries.csv, events.csv):
 * comma-separated, fields optionally double-quoted with `""` for a quote, LF or CRLF records.
 */

export interface CsvTable {
  header: string[];
  /** Records as objects keyed by header; missing trailing cells read as ''. */
  records: Array<Record<string, string>>;
}

/** Splits `text` into records of fields. A final line break does not make an empty record. */
export function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        field += ch;
      }
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') endField();
    else if (ch === '\n') endRow();
    else if (ch === '\r' && text[i + 1] === '\n') {
      endRow();
      i++;
    } else field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

export function parseCsv(text: string): CsvTable {
  const [header = [], ...body] = parseCsvRows(text.replace(/^\uFEFF/, ''));
  const names = header.map((h) => h.trim());
  const records = body
    .filter((cells) => !(cells.length === 1 && cells[0] === ''))
    .map((cells) => Object.fromEntries(names.map((name, i) => [name, cells[i] ?? ''])));
  return { header: names, records };
}

/** A numeric cell: empty (meshsim's NaN) or unreadable cells are NaN. */
export function numberCell(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return NaN;
  return Number(value);
}
