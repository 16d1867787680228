/**
 * comparison.json and comparison.csv: the ranking by the SLO, and the paired comparison of
 * every strategy against the baseline, one row per (strategy, metric), in the order of
 * compareStrategies.
 *
 * JSON: { meshsimVersion, scenario, seed, replications, baseline, confidence,
 *         slo: { default, objectives }, ranking: { metric, recommendation, strategies }, rows }.
 * CSV: scenario, seed, then the row fields (label, baseline, metric, mean, baselineMean,
 * difference, ci95, relativeDifference, verdict, caveat). NaN and ±Infinity are null in JSON
 * and empty in CSV: `ci95` with one replication, `relativeDifference` when only the baseline
 * mean is 0.
 */
import type { ComparisonRow } from '../analysis/compare.js';
import type { Ranking } from '../analysis/ranking.js';
import type { RunResult } from '../analysis/types.js';
import type { ScenarioSlo } from '../slo/plan.js';
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
  'caveat',
] as const satisfies readonly (keyof ComparisonRow)[];

export interface ComparisonDecision {
  readonly ranking: Ranking;
  readonly slo: ScenarioSlo;
}

export function formatComparisonJson(run: RunResult, baseline: string, rows: readonly ComparisonRow[], decision: ComparisonDecision): string {
  return jsonText({
    meshsimVersion: run.meshsimVersion,
    scenario: run.scenario,
    seed: run.seed,
    replications: run.replications,
    baseline,
    confidence: 0.95,
    slo: { default: decision.slo.isDefault, objectives: decision.slo.objectives },
    ranking: {
      metric: decision.ranking.metric,
      recommendation: decision.ranking.recommendation,
      strategies: decision.ranking.strategies.map((s) => ({
        rank: s.rank,
        label: s.label,
        sloMet: s.sloMet,
        replications: s.replications,
        availability: s.availability,
        goodput: s.goodput,
        metric: s.metric,
        missed: s.missed.map((m) => ({ objective: m.name, replications: m.replications, worst: m.worst })),
        reason: s.reason,
      })),
    },
    rows: rows.map((row) => Object.fromEntries(ROW_KEYS.map((k) => [k, row[k]]))),
  });
}

export function formatComparisonCsv(run: RunResult, rows: readonly ComparisonRow[]): string {
  return csvText([
    ['scenario', 'seed', ...ROW_KEYS],
    ...rows.map((row) => [run.scenario, String(run.seed), ...ROW_KEYS.map((k) => csvCell(row[k]))]),
  ]);
}
