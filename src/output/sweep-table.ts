/**
 * The terminal table of `meshsim sweep`: one line per (cell, strategy) with the swept values
 * and the headline metrics, half-widths beside the latencies. The full numbers are in
 * sweep.csv and sweep.json.
 */
import { getMetric } from '../analysis/metric-paths.js';
import type { StrategyResult } from '../analysis/types.js';
import type { SweepResult } from '../sweep/types.js';
import { csvCell } from './csv-cells.js';
import { sweepParamColumns } from './sweep-columns.js';
import { formatSignificant, formatWithCi } from './table.js';

const GAP = '  ';

function withCi(r: StrategyResult, path: string): string {
  const mean = getMetric(r.metrics, path);
  const ci = r.ci95[path];
  return typeof ci === 'number' ? formatWithCi(mean, ci) : formatSignificant(mean, 4);
}

function availability(r: StrategyResult): string {
  const text = formatSignificant(100 * getMetric(r.metrics, 'availability'), 6);
  return text === 'n/a' ? text : `${text}%`;
}

export function formatSweepTable(sweep: SweepResult): string {
  const params = sweepParamColumns(sweep.params);
  const header = ['cell', ...params.map((p) => p.name), 'strategy', 'SLO met', 'availability', 'goodput/s', 'p50 ms', 'p99 ms'];
  const rightAligned = new Set(['cell', 'SLO met', 'availability', 'goodput/s', 'p50 ms', 'p99 ms']);
  const rows = sweep.cells.flatMap((cell) =>
    cell.results.map((r) => [
      String(cell.index),
      ...params.map((p) => csvCell(cell.params[p.path])),
      r.label,
      `${r.replicationMetrics.filter((m) => getMetric(m, 'slo.met') === 1).length}/${r.replicationMetrics.length}`,
      availability(r),
      formatSignificant(getMetric(r.metrics, 'goodput'), 4),
      withCi(r, 'latency.p50'),
      withCi(r, 'latency.p99'),
    ]),
  );
  const widths = header.map((h, i) => rows.reduce((most, row) => Math.max(most, [...row[i]!].length), [...h].length));
  const line = (cells: readonly string[]) =>
    cells
      .map((text, i) => {
        const fill = ' '.repeat(Math.max(0, widths[i]! - [...text].length));
        return rightAligned.has(header[i]!) ? fill + text : text + fill;
      })
      .join(GAP)
      .trimEnd();
  const n = sweep.replications;
  const shard = sweep.shard === undefined ? '' : ` · shard ${sweep.shard.index}/${sweep.shard.count}`;
  const title = `sweep ${sweep.scenario} · seed ${sweep.seed} · ${n} replication${n === 1 ? '' : 's'}${shard}${n > 1 ? '  (± 95 % confidence half-width)' : ''}`;
  const lines = [title, '', line(header), widths.map((w) => '-'.repeat(w)).join(GAP), ...rows.map(line)];
  if (rows.length === 0) lines.push('(no finished cells)');
  return `${lines.join('\n')}\n`;
}
