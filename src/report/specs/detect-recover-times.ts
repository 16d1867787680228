/**
 * Time to detect and time to recover, per strategy: one dot per replication (that
 * replication's mean over its faults), and the mean over replications with its 95 % confidence
 * interval. Read from the `detection.meanTimeToDetect` and `recovery.meanTimeToRecover`
 * metrics (ms, fault start to first detection, and to back in rotation).
 */
import type { TopLevelSpec } from 'vega-lite';
import { getMetric } from '../../analysis/metric-paths.js';
import type { StrategyResult } from '../../analysis/types.js';
import { CHART_CONFIG, colorScale, contextLine, finiteOr, type ChartContext, type StrategyColors } from './theme.js';

export const DETECT_RECOVER_MEASURES = [
  { path: 'detection.meanTimeToDetect', label: 'time to detect' },
  { path: 'recovery.meanTimeToRecover', label: 'time to recover' },
] as const;

export interface DetectRecoverRow {
  strategy: string;
  measure: string;
  /** `replication` rows are dots; `mean` rows carry the interval. */
  row: 'replication' | 'mean';
  replication: number | null;
  /** Seconds (the metrics are ms; faults last seconds to minutes). */
  value: number;
  lower: number;
  upper: number;
  halfWidth: number;
}

/** The rows of every finite value; empty when no strategy has detection or recovery metrics. */
export function detectRecoverRows(results: readonly StrategyResult[]): DetectRecoverRow[] {
  const rows: DetectRecoverRow[] = [];
  for (const result of results) {
    for (const { path, label } of DETECT_RECOVER_MEASURES) {
      result.replicationMetrics.forEach((m, replication) => {
        const ms = getMetric(m, path);
        if (!Number.isFinite(ms)) return;
        const value = ms / 1000;
        rows.push({ strategy: result.label, measure: label, row: 'replication', replication, value, lower: value, upper: value, halfWidth: 0 });
      });
      const mean = getMetric(result.metrics, path);
      if (!Number.isFinite(mean)) continue;
      const halfWidth = finiteOr(result.ci95[path], 0) / 1000;
      const value = mean / 1000;
      rows.push({ strategy: result.label, measure: label, row: 'mean', replication: null, value, lower: Math.max(0, value - halfWidth), upper: value + halfWidth, halfWidth });
    }
  }
  return rows;
}

export function detectRecoverSpec(rows: readonly DetectRecoverRow[], colors: StrategyColors, context: ChartContext): TopLevelSpec {
  const strategies = colors.domain.filter((s) => rows.some((r) => r.strategy === s));
  const y = { field: 'strategy', type: 'nominal' as const, sort: strategies, title: null, axis: { labelFontSize: 11.5 } };
  const color = { field: 'strategy', type: 'nominal' as const, scale: colorScale(colors), sort: strategies, title: 'strategy', legend: null };
  const x = { type: 'quantitative' as const, title: 'seconds after the fault began', scale: { zero: true }, axis: { format: ',~r' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Time to detect and time to recover',
      subtitle: [contextLine(context), 'dots: one replication’s mean over its faults · bar: mean with 95 % confidence interval'],
    },
    config: CHART_CONFIG,
    data: { values: rows.map((r) => ({ ...r })) },
    facet: {
      column: {
        field: 'measure',
        type: 'nominal',
        sort: DETECT_RECOVER_MEASURES.map((m) => m.label),
        title: null,
        header: { labelAnchor: 'start', labelPadding: 6 },
      },
    },
    spec: {
      width: 320,
      height: Math.max(60, strategies.length * 38),
      encoding: { y, color },
      layer: [
        {
          transform: [{ filter: "datum.row === 'mean'" }],
          mark: { type: 'rule', strokeWidth: 5, opacity: 0.35, strokeCap: 'round' },
          encoding: { x: { field: 'lower', ...x }, x2: { field: 'upper' } },
        },
        {
          transform: [{ filter: "datum.row === 'replication'" }],
          mark: { type: 'point', size: 46, strokeWidth: 1.4, opacity: 0.9 },
          encoding: {
            x: { field: 'value', ...x },
            tooltip: [
              { field: 'strategy', type: 'nominal' },
              { field: 'measure', type: 'nominal' },
              { field: 'replication', type: 'ordinal' },
              { field: 'value', type: 'quantitative', title: 'seconds', format: ',.3~f' },
            ],
          },
        },
        {
          transform: [{ filter: "datum.row === 'mean'" }],
          mark: { type: 'tick', thickness: 3, size: 22 },
          encoding: {
            x: { field: 'value', ...x },
            tooltip: [
              { field: 'strategy', type: 'nominal' },
              { field: 'measure', type: 'nominal' },
              { field: 'value', type: 'quantitative', title: 'mean (s)', format: ',.3~f' },
              { field: 'halfWidth', type: 'quantitative', title: '± 95 % CI (s)', format: ',.2~r' },
            ],
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent' } },
  };
}
