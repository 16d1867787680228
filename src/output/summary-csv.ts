/**
 * summary.csv: one row per (balancer, replication) and one aggregate row per balancer.
 *
 * Columns: scenario, seed, balancer, label, replication, then every metric path (in
 * metricPaths order, the union over all strategies), then `ci95.<path>` for every metric path.
 * Replication rows carry the index (0-based, the index seeds are derived from) and leave the
 * ci95 columns empty; the aggregate row has replication `mean`, the means and, with more than
 * one replication, the 95 % half-widths. The ci95 columns exist whatever the replication count,
 * so files from different runs share one layout.
 *
 * Cells: numbers as JavaScript prints them (exact round trip); NaN and ±Infinity as empty cells.
 * Records end with LF, the last one included.
 */
import { stringify } from 'csv-stringify/sync';
import { getMetric, unionMetricPaths } from '../analysis/metric-paths.js';
import type { RunResult } from '../analysis/types.js';
import type { ReplicationMetrics } from '../metrics/types.js';

const KEY_COLUMNS = ['scenario', 'seed', 'balancer', 'label', 'replication'] as const;
export const AGGREGATE_REPLICATION = 'mean';

function cell(value: number): string {
  return Number.isFinite(value) ? String(value) : '';
}

/** The metric paths that become columns: the union over every record in the run. */
export function csvMetricPaths(run: RunResult): string[] {
  return unionMetricPaths(
    run.results.flatMap((r): ReplicationMetrics[] => [r.metrics, ...r.replicationMetrics]),
  );
}

/** The text of summary.csv. */
export function formatSummaryCsv(run: RunResult): string {
  const paths = csvMetricPaths(run);
  const header = [...KEY_COLUMNS, ...paths, ...paths.map((p) => `ci95.${p}`)];
  const noCi = paths.map(() => '');
  const rows: string[][] = [header];
  for (const result of run.results) {
    const key = (replication: string) => [
      run.scenario,
      String(run.seed),
      result.balancer,
      result.label,
      replication,
    ];
    result.replicationMetrics.forEach((metrics, index) => {
      rows.push([...key(String(index)), ...paths.map((p) => cell(getMetric(metrics, p))), ...noCi]);
    });
    rows.push([
      ...key(AGGREGATE_REPLICATION),
      ...paths.map((p) => cell(getMetric(result.metrics, p))),
      ...paths.map((p) => cell(result.ci95[p] ?? NaN)),
    ]);
  }
  // Rows are arrays, not objects: csv-stringify would read dotted column names as nested paths.
  return stringify(rows, { header: false, record_delimiter: '\n', eof: true });
}
