/**
 * summary.json: the run's results in the layout of CONTRACT.md ("Output folder").
 *
 * Byte-stable: the same RunResult always gives the same text, whatever order its objects were
 * built in. Keys come in a fixed order: scenario, seed, replications, meshsimVersion, any further
 * top-level keys (sorted), then results; each result has balancer, label, metrics, ci95,
 * replicationMetrics, then any further keys (sorted). Metric records and ci95 are keyed in
 * metric-path order (see analysis/metric-paths.ts).
 *
 * Numbers are printed as JavaScript prints them (the shortest text that reads back to the same
 * double), so they round-trip exactly. NaN and ±Infinity, which JSON cannot express, are
 * written as null: a null metric means "undefined for this run" (e.g. latency when nothing
 * completed) and reads back as NaN through getMetric.
 */
import { canonicalMetrics, metricPaths } from '../analysis/metric-paths.js';
import type { RunResult, StrategyResult } from '../analysis/types.js';

const RUN_KEYS = ['scenario', 'seed', 'replications', 'meshsimVersion'] as const;
const RESULT_KEYS = ['balancer', 'label', 'metrics', 'ci95', 'replicationMetrics'] as const;

/** Keys of `object` other than `known`, sorted: extensions get a stable place too. */
function extraKeys(object: object, known: readonly string[]): string[] {
  return Object.keys(object)
    .filter((k) => !known.includes(k))
    .sort();
}

/** ci95 in the order of the metric paths of `result.metrics`; unknown paths last, sorted. */
function orderedCi95(result: StrategyResult): Record<string, number> {
  const ordered: Record<string, number> = {};
  const paths = metricPaths(result.metrics);
  for (const path of paths) {
    const value = result.ci95[path];
    if (value !== undefined) ordered[path] = value;
  }
  for (const path of extraKeys(result.ci95, paths)) ordered[path] = result.ci95[path]!;
  return ordered;
}

/** One result in summary.json's key order; sweep.json writes its cells' results the same way. */
export function orderedResult(result: StrategyResult): Record<string, unknown> {
  const out: Record<string, unknown> = {
    balancer: result.balancer,
    label: result.label,
    metrics: canonicalMetrics(result.metrics),
    ci95: orderedCi95(result),
    replicationMetrics: result.replicationMetrics.map(canonicalMetrics),
  };
  const record = result as unknown as Record<string, unknown>;
  for (const key of extraKeys(result, RESULT_KEYS)) out[key] = record[key];
  return out;
}

/** The text of summary.json: 2-space indentation, LF line ends, a trailing newline. */
export function formatSummaryJson(run: RunResult): string {
  const record = run as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of RUN_KEYS) out[key] = run[key];
  for (const key of extraKeys(run, [...RUN_KEYS, 'results'])) out[key] = record[key];
  out['results'] = run.results.map(orderedResult);
  // JSON.stringify already writes non-finite numbers as null; the replacer states it.
  const text = JSON.stringify(
    out,
    (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value),
    2,
  );
  return `${text}\n`;
}
