/**
 * Latency (p50 and p99) against a swept parameter, one line per strategy, the 95 % confidence
 * band shaded around it, one panel per percentile on a shared log axis.
 *
 * The x axis is the first swept parameter with more than one value (usually the load). When
 * other parameters vary too, their combinations become rows of panels.
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

/** What the chart needs of a sweep: its parameters and, per cell, the parameter values and results. */
export interface SweepParameter {
  path: string;
  values: unknown[];
}

export interface SweepCell {
  params: Record<string, unknown>;
  results: StrategyResult[];
}

export const SWEPT_PERCENTILES = [
  { key: 'p50', label: 'p50' },
  { key: 'p99', label: 'p99' },
] as const;

/** Units of parameters people sweep most, for the axis title. */
const PARAMETER_UNITS: Readonly<Record<string, string>> = {
  'arrivals.rate': 'requests/s',
  'arrivals.offRate': 'requests/s',
  'service.instances': 'instances',
  'service.concurrency': 'requests at once',
  'service.queueLimit': 'requests',
  'clients.count': 'sidecars',
  timeout: 'ms',
  duration: 'ms',
};

export function parameterTitle(path: string): string {
  const unit = PARAMETER_UNITS[path];
  return unit ? `${path} (${unit})` : path;
}

/** A parameter value as text: numbers and strings as they are, anything else as compact JSON. */
export function parameterText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return JSON.stringify(value) ?? String(value);
}

export interface LatencyVsParameterRow {
  strategy: string;
  percentile: string;
  /** The x value: the number itself when every value of the parameter is a number. */
  x: number | string;
  /** The other varying parameters, `path=value, …`; empty when only one parameter varies. */
  group: string;
  mean: number;
  lower: number;
  upper: number;
  halfWidth: number;
}

export interface LatencyVsParameterData {
  rows: LatencyVsParameterRow[];
  /** The swept path on the x axis. */
  parameter: string;
  /** Whether x is quantitative (every value a number) or ordinal. */
  numeric: boolean;
  /** The x values in sweep order (for an ordinal axis). */
  xOrder: string[];
  /** The `group` values in sweep order. */
  groups: string[];
}

/**
 * The rows of the chart, or undefined when no parameter takes two or more values.
 * Non-positive lower bounds are raised to a tenth of the mean (log axis, see
 * latency-percentiles.ts); cells whose latency is not finite (nothing completed) are left out,
 * which breaks the line there.
 */
export function latencyVsParameterRows(
  params: readonly SweepParameter[],
  cells: readonly SweepCell[],
): LatencyVsParameterData | undefined {
  const varying = params.filter((p) => p.values.length > 1);
  const xParam = varying[0];
  if (!xParam) return undefined;
  const others = varying.slice(1);
  const numeric = xParam.values.every((v) => typeof v === 'number');
  const groupOf = (cell: SweepCell) =>
    others.map((p) => `${p.path}=${parameterText(cell.params[p.path])}`).join(', ');

  const rows: LatencyVsParameterRow[] = [];
  const groups: string[] = [];
  for (const cell of cells) {
    const raw = cell.params[xParam.path];
    const x = numeric && typeof raw === 'number' ? raw : parameterText(raw);
    const group = groupOf(cell);
    if (!groups.includes(group)) groups.push(group);
    for (const result of cell.results) {
      for (const { key, label } of SWEPT_PERCENTILES) {
        const path = `latency.${key}`;
        const mean = getMetric(result.metrics, path);
        if (!Number.isFinite(mean) || mean <= 0) continue;
        const halfWidth = finiteOr(result.ci95[path], 0);
        const lower = mean - halfWidth > 0 ? mean - halfWidth : mean / 10;
        rows.push({ strategy: result.label, percentile: label, x, group, mean, lower, upper: mean + halfWidth, halfWidth });
      }
    }
  }
  return { rows, parameter: xParam.path, numeric, xOrder: xParam.values.map(parameterText), groups };
}

export function latencyVsParameterSpec(
  data: LatencyVsParameterData,
  colors: StrategyColors,
  context: ChartContext,
): TopLevelSpec {
  const axis = logAxis(data.rows.flatMap((r) => [r.lower, r.upper]));
  const y = {
    type: 'quantitative' as const,
    title: 'latency (ms)',
    scale: { type: 'log' as const, ...(axis && { domain: axis.domain }) },
    axis: { format: ',~r', ...(axis && { values: axis.values }) },
  };
  const x = data.numeric
    ? { field: 'x', type: 'quantitative' as const, title: parameterTitle(data.parameter), scale: { zero: false, nice: false } }
    : { field: 'x', type: 'ordinal' as const, title: parameterTitle(data.parameter), sort: data.xOrder, axis: { labelAngle: 0 } };
  const grouped = data.groups.length > 1;
  const strategies = colors.domain.filter((s) => data.rows.some((r) => r.strategy === s));
  const tooltip = [
    { field: 'strategy', type: 'nominal' as const },
    { field: 'percentile', type: 'nominal' as const },
    { field: 'x', title: data.parameter },
    ...(grouped ? [{ field: 'group', type: 'nominal' as const, title: 'other parameters' }] : []),
    { field: 'mean', type: 'quantitative' as const, title: 'mean (ms)', format: '.4~r' },
    { field: 'halfWidth', type: 'quantitative' as const, title: '± 95 % CI (ms)', format: '.2~r' },
  ];
  // Full opacity in the legend: the swatch would otherwise take the pale band's opacity.
  const color = {
    field: 'strategy',
    type: 'nominal' as const,
    scale: colorScale(colors),
    sort: strategies,
    title: 'strategy',
    legend: { symbolOpacity: 1 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Latency versus ${data.parameter}`,
      subtitle: [contextLine(context), 'lines: mean over replications · bands: 95 % confidence interval'],
    },
    config: CHART_CONFIG,
    data: { values: data.rows.map((r) => ({ ...r })) },
    facet: {
      column: {
        field: 'percentile',
        type: 'nominal',
        sort: SWEPT_PERCENTILES.map((p) => p.label),
        title: null,
        header: { labelExpr: "'latency ' + datum.value", labelAnchor: 'start', labelPadding: 6 },
      },
      ...(grouped && {
        row: { field: 'group', type: 'nominal' as const, sort: data.groups, title: null, header: { labelAngle: 0, labelAlign: 'left' as const } },
      }),
    },
    spec: {
      width: 340,
      height: 260,
      encoding: { x, color },
      layer: [
        {
          mark: { type: 'area', opacity: 0.16, interpolate: 'monotone' },
          encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } },
        },
        {
          mark: { type: 'line', strokeWidth: 2, interpolate: 'monotone' },
          encoding: { y: { field: 'mean', ...y } },
        },
        {
          mark: { type: 'point', filled: true, size: 36, opacity: 1 },
          encoding: { y: { field: 'mean', ...y }, tooltip },
        },
      ],
    },
    resolve: { scale: { y: 'shared', x: 'shared' } },
  };
}
