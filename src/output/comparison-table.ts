/**
 * The terminal table of `meshsim compare`: each strategy against the baseline, one line per
 * metric, with the paired difference, its 95 % half-width and the verdict. A is the row's
 * strategy, B the baseline, as in comparison.csv.
 */
import type { ComparisonRow } from '../analysis/compare.js';
import { formatSignificant, formatWithCi } from './table.js';

const GAP = '  ';

function pad(text: string, width: number, align: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, width - [...text].length));
  return align === 'left' ? text + fill : fill + text;
}

function signed(text: string, x: number): string {
  return x > 0 ? `+${text}` : text;
}

function relativeText(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return `${signed(formatSignificant(100 * x, 3), x)}%`;
}

function differenceText(row: ComparisonRow): string {
  if (!Number.isFinite(row.difference)) return formatSignificant(row.difference, 4);
  const text = Number.isFinite(row.ci95) ? formatWithCi(row.difference, row.ci95) : formatSignificant(row.difference, 4);
  return signed(text, row.difference);
}

/** Six digits for availability, so that 99.99 % and 99.999 % read differently; four elsewhere. */
function value(x: number, metric: string): string {
  return formatSignificant(x, metric === 'availability' ? 6 : 4);
}

const COLUMNS: ReadonlyArray<{ header: string; align: 'left' | 'right'; cell: (r: ComparisonRow) => string }> = [
  { header: 'strategy (A)', align: 'left', cell: (r) => r.label },
  { header: 'metric', align: 'left', cell: (r) => r.metric },
  { header: 'A', align: 'right', cell: (r) => value(r.mean, r.metric) },
  { header: 'B', align: 'right', cell: (r) => value(r.baselineMean, r.metric) },
  { header: 'A − B ± 95 %', align: 'right', cell: differenceText },
  { header: 'relative', align: 'right', cell: (r) => relativeText(r.relativeDifference) },
  // A verdict that cannot be read alone says why beside it (analysis/compare.ts).
  { header: 'verdict', align: 'left', cell: (r) => (r.caveat === '' ? r.verdict : `${r.verdict} (${r.caveat})`) },
];

export interface ComparisonTableOptions {
  baseline: string;
  replications: number;
}

/** The comparison rows as a table, in the order given; ends with a newline. */
export function formatComparisonTable(rows: readonly ComparisonRow[], options: ComparisonTableOptions): string {
  const n = options.replications;
  const lines = [
    `paired differences against the baseline B = ${options.baseline} over ${n} replication${n === 1 ? '' : 's'} (common random numbers)`,
    '',
  ];
  const cells = rows.map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = COLUMNS.map((c, i) => Math.max([...c.header].length, ...cells.map((row) => [...row[i]!].length)));
  lines.push(COLUMNS.map((c, i) => pad(c.header, widths[i]!, c.align)).join(GAP).trimEnd());
  lines.push(widths.map((w) => '-'.repeat(w)).join(GAP));
  let previous: string | undefined;
  cells.forEach((row, i) => {
    // A blank line between strategies keeps each block readable.
    if (previous !== undefined && rows[i]!.label !== previous) lines.push('');
    previous = rows[i]!.label;
    lines.push(row.map((text, j) => pad(text, widths[j]!, COLUMNS[j]!.align)).join(GAP).trimEnd());
  });
  lines.push('');
  lines.push(...comparisonNotes(rows, n));
  return `${lines.join('\n')}\n`;
}

/** What a reader must keep in mind to read the verdicts honestly. */
export function comparisonNotes(rows: readonly ComparisonRow[], replications: number): string[] {
  const notes: string[] = [];
  if (replications < 2) {
    notes.push('With 1 replication there is no confidence interval and no verdict; run with --replications 5 or more.');
  } else {
    notes.push(
      'Each verdict is a paired t-test at the 5 % level on its own: among many metrics, about 1 in 20 true ties is',
      'flagged by chance. R has no better direction (A higher / B higher).',
    );
  }
  if (rows.some((r) => r.caveat.includes('completed requests only'))) {
    notes.push(
      '(completed requests only): the two strategies’ availability differs, and latency covers completed requests only,',
      'so the one that loses its slowest requests shows a lower latency. The ranking above goes by the SLO and',
      'availability first.',
    );
  }
  if (rows.some((r) => r.caveat.includes('censored'))) {
    notes.push(
      '(censored by the timeout): so many requests timed out that this percentile of all requests is at the timeout or',
      'beyond; the value shown is of completed requests only, a lower bound.',
    );
  }
  return notes;
}
