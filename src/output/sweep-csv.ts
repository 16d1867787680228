/**
 * sweep.csv: one row per (cell, strategy) with the cell's parameter values, the strategy, the
 * mean of every metric over the replications and its 95 % half-width.
 *
 * Columns: cell, one per swept path (see sweep-columns.ts), balancer, label, every metric path
 * (the union over all cells, in canonical metric-path order), then `ci95.<path>` for each.
 * With one replication the ci95 cells are empty. A sweep stopped by Ctrl-C gets a first column
 * `interrupted` (true on every row), so the file says it by itself that cells are missing.
 */
import { getMetric, unionMetricPaths } from '../analysis/metric-paths.js';
import type { SweepResult } from '../sweep/types.js';
import { csvCell, csvText } from './csv-cells.js';
import { interruptedColumn, sweepParamColumns } from './sweep-columns.js';

export function formatSweepCsv(sweep: SweepResult): string {
  const paramColumns = sweepParamColumns(sweep.params);
  const paths = unionMetricPaths(sweep.cells.flatMap((c) => c.results.map((r) => r.metrics)));
  const mark = interruptedColumn(sweep);
  const rows: string[][] = [
    [...mark.header, 'cell', ...paramColumns.map((c) => c.name), 'balancer', 'label', ...paths, ...paths.map((p) => `ci95.${p}`)],
  ];
  for (const cell of sweep.cells) {
    const params = paramColumns.map((c) => csvCell(cell.params[c.path]));
    for (const result of cell.results) {
      rows.push([
        ...mark.cells,
        String(cell.index),
        ...params,
        result.balancer,
        result.label,
        ...paths.map((p) => csvCell(getMetric(result.metrics, p))),
        // A half-width read back from sweep.json may be null: csvCell writes it empty too.
        ...paths.map((p) => csvCell(result.ci95[p])),
      ]);
    }
  }
  return csvText(rows);
}
