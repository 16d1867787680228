/**
 * Any one metric per strategy (`meshsim report --metric PATH` on a run or compare): a bar per
 * strategy at the mean over replications, with its 95 % confidence interval; a bar because a
 * strategy is a category, with nothing between two of them.
 */
import type { TopLevelSpec } from 'vega-lite';
import { directionOf } from '../../analysis/directions.js';
import { getMetric } from '../../analysis/metric-paths.js';
import type { StrategyResult } from '../../analysis/types.js';
import { CHART_CONFIG, colorScale, contextLine, finiteOr, type ChartContext, type StrategyColors } from './theme.js';

export interface MetricRow {
  strategy: string;
  mean: number;
  lower: number;
  upper: number;
  halfWidth: number;
}

/** One row per strategy with a finite mean. */
export function metricRows(results: readonly StrategyResult[], path: string): MetricRow[] {
  return results.flatMap((r) => {
    const mean = getMetric(r.metrics, path);
    if (!Number.isFinite(mean)) return [];
    const halfWidth = finiteOr(r.ci95[path], 0);
    return [{ strategy: r.label, mean, lower: mean - halfWidth, upper: mean + halfWidth, halfWidth }];
  });
}

export function metricByStrategySpec(rows: readonly MetricRow[], path: string, colors: StrategyColors, context: ChartContext): TopLevelSpec {
  const strategies = colors.domain.filter((s) => rows.some((r) => r.strategy === s));
  const direction = directionOf(path);
  const better = direction === 'lower' ? 'lower is better' : direction === 'higher' ? 'higher is better' : 'no better direction';
  const y = { type: 'quantitative' as const, title: path, scale: { zero: rows.every((r) => r.lower >= 0) } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${path} by strategy`, subtitle: [contextLine(context), `bars: mean over replications · lines: 95 % confidence interval · ${better}`] },
    config: CHART_CONFIG,
    width: Math.max(240, strategies.length * 70),
    height: 260,
    data: { values: rows.map((r) => ({ ...r })) },
    encoding: {
      x: { field: 'strategy', type: 'nominal', sort: strategies, title: null, axis: { labelAngle: 0, labelLimit: 160 } },
      color: { field: 'strategy', type: 'nominal', scale: colorScale(colors), legend: null },
      tooltip: [
        { field: 'strategy', type: 'nominal' },
        { field: 'mean', type: 'quantitative', title: 'mean', format: '.4~r' },
        { field: 'halfWidth', type: 'quantitative', title: '± 95 % CI', format: '.2~r' },
      ],
    },
    layer: [
      { mark: { type: 'bar', opacity: 0.75, width: { band: 0.6 } }, encoding: { y: { field: 'mean', ...y } } },
      { mark: { type: 'rule', strokeWidth: 2, color: '#1f2933' }, encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } } },
    ],
  };
}
