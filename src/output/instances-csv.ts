/**
 * instances.csv: one row per (strategy, replication, instance) with the counted requests the
 * instance served and its static attributes (speed, weight, zone), for imbalance analysis.
 *
 * Columns for run and compare: strategy, replication, instance, served, speed, weight, zone.
 * A sweep puts `cell` and one column per swept path first (see sweepParamColumns).
 */
import { getMetric } from '../analysis/metric-paths.js';
import type { RunResult, StrategyResult } from '../analysis/types.js';
import type { InstanceAttributes } from '../scenario/instance-attributes.js';
import type { SweepResult } from '../sweep/types.js';
import { csvCell, csvText } from './csv-cells.js';
import { interruptedColumn, sweepParamColumns } from './sweep-columns.js';

const INSTANCE_COLUMNS = ['strategy', 'replication', 'instance', 'served', 'speed', 'weight', 'zone'] as const;

function instanceRows(results: readonly StrategyResult[], instances: readonly InstanceAttributes[], prefix: readonly string[]): string[][] {
  const rows: string[][] = [];
  for (const result of results) {
    result.replicationMetrics.forEach((metrics, replication) => {
      for (const attributes of instances) {
        rows.push([
          ...prefix,
          result.label,
          String(replication),
          String(attributes.instance),
          csvCell(getMetric(metrics, `perInstance.${attributes.instance}`)),
          csvCell(attributes.speed),
          csvCell(attributes.weight),
          attributes.zone,
        ]);
      }
    });
  }
  return rows;
}

/** The text of instances.csv for a run or compare of one scenario. */
export function formatInstancesCsv(run: RunResult, instances: readonly InstanceAttributes[]): string {
  return csvText([[...INSTANCE_COLUMNS], ...instanceRows(run.results, instances, [])]);
}

/** The text of a sweep's instances.csv: every finished cell, in cell order. */
export function formatSweepInstancesCsv(sweep: SweepResult): string {
  const paramColumns = sweepParamColumns(sweep.params);
  const mark = interruptedColumn(sweep);
  const rows: string[][] = [[...mark.header, 'cell', ...paramColumns.map((c) => c.name), ...INSTANCE_COLUMNS]];
  for (const cell of sweep.cells) {
    const prefix = [...mark.cells, String(cell.index), ...paramColumns.map((c) => csvCell(cell.params[c.path]))];
    // One push per row: a spread of millions of rows would overflow the stack.
    for (const row of instanceRows(cell.results, cell.instances, prefix)) rows.push(row);
  }
  return csvText(rows);
}
