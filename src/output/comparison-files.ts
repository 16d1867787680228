/**
 * comparison.json and comparison.csv: the paired comparison of every strategy against the
 * baseline, one row per (strategy, metric), in the order of compareStrategies.
 *
 * JSON: { meshsimVersion, scenario, seed, replications, baseline, confidence, rows: [...] }.
 * CSV: scenario, seed, then the row fields (label, baseline, metric, mean, baselineMean,
 * difference, ci95, relativeDifference, verdict). NaN and ±Infinity are null in JSON and empty
 * in CSV: `ci95` with one replication, `relativeDifference` when only the baseline mean is 0.
 */
import type { ComparisonRow } from '../analysis/compare.js';
import type { RunResult } from '../analysis/types.js';
import { csvCell, csvText } from './csv-cells.js';
import { jsonText } from './json-text.js';

const ROW_KEYS = [
  'label',
  'baseline',
  'metric',
  'mean',
  'baselineMean',
  'difference',
  'ci95',
  'relativeDifference',
  'verdict',
] as const satisfies readonly (keyof ComparisonRow)[];

export function formatComparisonJson(run: RunResult, baseline: string, rows: readonly ComparisonRow[]): string {
  return jsonText({
    meshsimVersion: run.meshsimVersion,
    scenario: run.scenario,
    seed: run.seed,
    replications: run.replications,
    baseline,
    confidence: 0.95,
    rows: rows.map((row) => Object.fromEntries(ROW_KEYS.map((k) => [k, row[k]]))),
  });
}

export function formatComparisonCsv(run: RunResult, rows: readonly ComparisonRow[]): string {
  return csvText([
    ['scenario', 'seed', ...ROW_KEYS],
    ...rows.map((row) => [run.scenario, String(run.seed), ...ROW_KEYS.map((k) => csvCell(row[k]))]),
  ]);
}
