/**
 * The columns that name a sweep cell in sweep.csv and instances.csv: `cell`, then one column
 * per swept path named by the path itself (`arrivals.rate`), or `param.<path>` when the path
 * would collide with a fixed column (sweeping `balancer` gives `param.balancer`). An interrupted
 * sweep's files start with an `interrupted` column.
 */
import type { SweepParam, SweepResult } from '../sweep/types.js';

const RESERVED = new Set(['interrupted', 'cell', 'balancer', 'label', 'strategy', 'replication', 'instance', 'served', 'speed', 'weight', 'zone']);

export interface ParamColumn {
  name: string;
  path: string;
}

export function sweepParamColumns(params: readonly SweepParam[]): ParamColumn[] {
  return params.map((p) => ({ name: RESERVED.has(p.path) ? `param.${p.path}` : p.path, path: p.path }));
}

/** The leading column of an interrupted sweep's CSV files (none for a finished sweep). */
export function interruptedColumn(sweep: SweepResult): { header: string[]; cells: string[] } {
  return sweep.interrupted === true ? { header: ['interrupted'], cells: ['true'] } : { header: [], cells: [] };
}
