/**
 * Latency percentiles per strategy: for p50, p90, p95, p99 and p99.9, one point per strategy (the
 * mean over replications) with its 95 % confidence interval, on a log axis so the median and
 * the tail read on one chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import { getMetric } from '../../analysis/metric-paths.js';
import type { StrategyResult } from '../../analysis/types.js';
import {
  CHART_CONFIG,
  colorScale,
  contextLine,
  finiteOr,
  logAxis,
  type ChartContext,
  type StrategyColors,
} from './theme.js';

export const LATENCY_PERCENTILES = [
  { key: 'p50', label: 'p50' },
  { key: 'p90', label: 'p90' },
  { key: 'p95', label: 'p95' },
  { key: 'p99', label: 'p99' },
  { key: 'p999', label: 'p99.9' },
] as const;

export interface LatencyPercentileRow {
  strategy: string;
  /** `p50`, `p90`, `p95`, `p99` or `p99.9`. */
  percentile: string;
  /** ms, mean over replications. */
  mean: number;
  /** ms; the interval is empty (lower = upper = mean) with one replication. */
  lower: number;
  upper: number;
  halfWidth: number;
}

/**
 * One row per (strategy, percentile) with a finite mean. A lower bound at or below zero
 * (wide intervals of few replications) cannot sit on a log axis; it is raised to a tenth of
 * the mean, so the bar visibly runs off toward zero instead of vanishing.
 */
export function latencyPercentileRows(results: readonly StrategyResult[]): LatencyPercentileRow[] {
  const rows: LatencyPercentileRow[] = [];
  for (const result of results) {
    for (const { key, label } of LATENCY_PERCENTILES) {
      const path = `latency.${key}`;
      const mean = getMetric(result.metrics, path);
      if (!Number.isFinite(mean) || mean <= 0) continue;
      const halfWidth = finiteOr(result.ci95[path], 0);
      const lower = mean - halfWidth > 0 ? mean - halfWidth : mean / 10;
      rows.push({ strategy: result.label, percentile: label, mean, lower, upper: mean + halfWidth, halfWidth });
    }
  }
  return rows;
}

export function latencyPercentilesSpec(
  rows: readonly LatencyPercentileRow[],
  colors: StrategyColors,
  context: ChartContext,
): TopLevelSpec {
  const strategies = colors.domain.filter((s) => rows.some((r) => r.strategy === s));
  const axis = logAxis(rows.flatMap((r) => [r.lower, r.upper]));
  const yAxis = {
    type: 'quantitative' as const,
    title: 'latency (ms)',
    scale: { type: 'log' as const, ...(axis && { domain: axis.domain }) },
    axis: { format: ',~r', ...(axis && { values: axis.values }) },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Latency percentiles by strategy',
      subtitle: [contextLine(context), 'dots: mean over replications · bars: 95 % confidence interval'],
    },
    config: CHART_CONFIG,
    width: Math.max(420, LATENCY_PERCENTILES.length * (strategies.length * 26 + 36)),
    height: 300,
    data: { values: rows.map((r) => ({ ...r })) },
    encoding: {
      x: {
        field: 'percentile',
        type: 'nominal',
        sort: LATENCY_PERCENTILES.map((p) => p.label),
        title: 'latency percentile',
        axis: { labelAngle: 0, labelFontSize: 12 },
        scale: { paddingInner: 0.25 },
      },
      xOffset: { field: 'strategy', type: 'nominal', sort: strategies, scale: { paddingInner: 0.2 } },
      color: { field: 'strategy', type: 'nominal', scale: colorScale(colors), title: 'strategy' },
      tooltip: [
        { field: 'strategy', type: 'nominal' },
        { field: 'percentile', type: 'nominal' },
        { field: 'mean', type: 'quantitative', title: 'mean (ms)', format: '.4~r' },
        { field: 'halfWidth', type: 'quantitative', title: '± 95 % CI (ms)', format: '.2~r' },
      ],
    },
    layer: [
      {
        mark: { type: 'rule', strokeWidth: 2.5, strokeCap: 'round' },
        encoding: { y: { field: 'lower', ...yAxis }, y2: { field: 'upper' } },
      },
      {
        mark: { type: 'point', filled: true, size: 80, opacity: 1, stroke: '#FFFFFF', strokeWidth: 1 },
        encoding: { y: { field: 'mean', ...yAxis } },
      },
    ],
  };
}
