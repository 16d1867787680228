/**
 * Metrics against a swept parameter, one series per strategy with its 95 % confidence
 * interval, one panel per metric: latency (p50, p95, p99 on a shared log axis), how many
 * requests were served (availability and goodput, each on its own linear axis), or any metric
 * path (`meshsim report --metric`).
 *
 * The x axis is the first swept parameter with more than one value (usually the load). When
 * other parameters vary too, their combinations become rows of panels. A numeric parameter is
 * drawn as lines through the points with a shaded band; a discrete one (names, durations as
 * text, mappings) as points with interval bars only, since nothing lies between two of its
 * values for a line to join.
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

/** One panel: a metric path, its label and axis. */
export interface ParameterPanel {
  readonly path: string;
  readonly label: string;
  /** Axis title of the panel's y. */
  readonly unit: string;
  readonly scale: 'log' | 'linear';
  /** Shown ×100 (a share as per cent). */
  readonly percent?: boolean;
}

export const SWEPT_PERCENTILES: readonly ParameterPanel[] = [
  { path: 'latency.p50', label: 'p50', unit: 'latency (ms)', scale: 'log' },
  { path: 'latency.p95', label: 'p95', unit: 'latency (ms)', scale: 'log' },
  { path: 'latency.p99', label: 'p99', unit: 'latency (ms)', scale: 'log' },
];

/** Each on its own axis, so the panel header carries the unit. */
export const SERVED_PANELS: readonly ParameterPanel[] = [
  { path: 'availability', label: 'availability (%)', unit: 'availability (%)', scale: 'linear', percent: true },
  { path: 'goodput', label: 'goodput (completed/s)', unit: 'goodput (completed requests/s)', scale: 'linear' },
];

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

export interface ParameterRow {
  strategy: string;
  /** The panel's label (`p99`, `availability`, …). */
  panel: string;
  /** The x value: the number itself when every value of the parameter is a number. */
  x: number | string;
  /** The other varying parameters, `path=value, …`; empty when only one parameter varies. */
  group: string;
  mean: number;
  lower: number;
  upper: number;
  halfWidth: number;
}

export interface ParameterData {
  rows: ParameterRow[];
  panels: readonly ParameterPanel[];
  /** The swept path on the x axis. */
  parameter: string;
  /** Whether x is quantitative (every value a number) or discrete. */
  numeric: boolean;
  /** The x values in sweep order (for a discrete axis). */
  xOrder: string[];
  /** The `group` values in sweep order. */
  groups: string[];
}

/** The latency chart's rows and data (the notebooks draw it). */
export type LatencyVsParameterRow = ParameterRow;
export type LatencyVsParameterData = ParameterData;

/**
 * The rows of a chart of `panels`, or undefined when no parameter takes two or more values.
 * On a log panel, non-positive lower bounds are raised to a tenth of the mean (see
 * latency-percentiles.ts) and non-positive means left out; cells whose metric is not finite
 * are left out, which breaks the line there.
 */
export function parameterRows(
  params: readonly SweepParameter[],
  cells: readonly SweepCell[],
  panels: readonly ParameterPanel[],
): ParameterData | undefined {
  const varying = params.filter((p) => p.values.length > 1);
  const xParam = varying[0];
  if (!xParam) return undefined;
  const others = varying.slice(1);
  const numeric = xParam.values.every((v) => typeof v === 'number');
  const groupOf = (cell: SweepCell) => others.map((p) => `${p.path}=${parameterText(cell.params[p.path])}`).join(', ');

  const rows: ParameterRow[] = [];
  const groups: string[] = [];
  for (const cell of cells) {
    const raw = cell.params[xParam.path];
    const x = numeric && typeof raw === 'number' ? raw : parameterText(raw);
    const group = groupOf(cell);
    if (!groups.includes(group)) groups.push(group);
    for (const result of cell.results) {
      for (const panel of panels) {
        const scale = panel.percent ? 100 : 1;
        const mean = scale * getMetric(result.metrics, panel.path);
        if (!Number.isFinite(mean) || (panel.scale === 'log' && mean <= 0)) continue;
        const halfWidth = scale * finiteOr(result.ci95[panel.path], 0);
        const lower = panel.scale === 'log' && mean - halfWidth <= 0 ? mean / 10 : mean - halfWidth;
        // A share cannot pass 100 %: the interval is cut there rather than drawn beyond.
        const upper = panel.percent ? Math.min(100, mean + halfWidth) : mean + halfWidth;
        rows.push({ strategy: result.label, panel: panel.label, x, group, mean, lower, upper, halfWidth });
      }
    }
  }
  return { rows, panels, parameter: xParam.path, numeric, xOrder: xParam.values.map(parameterText), groups };
}

/** Latency (p50, p95, p99) against the first varying parameter. */
export function latencyVsParameterRows(params: readonly SweepParameter[], cells: readonly SweepCell[]): ParameterData | undefined {
  return parameterRows(params, cells, SWEPT_PERCENTILES);
}

export interface ParameterChartText {
  /** `Latency versus arrivals.rate`. */
  readonly title: string;
}

export function parameterSpec(data: ParameterData, colors: StrategyColors, context: ChartContext, text: ParameterChartText): TopLevelSpec {
  const log = data.panels.every((p) => p.scale === 'log');
  const axis = log ? logAxis(data.rows.flatMap((r) => [r.lower, r.upper])) : undefined;
  const y = {
    type: 'quantitative' as const,
    title: data.panels.length === 1 || new Set(data.panels.map((p) => p.unit)).size === 1 ? data.panels[0]!.unit : null,
    scale: log ? { type: 'log' as const, ...(axis && { domain: axis.domain }) } : { zero: false },
    axis: log ? { format: ',~r', ...(axis && { values: axis.values }) } : { format: ',~r' },
  };
  const x = data.numeric
    ? { field: 'x', type: 'quantitative' as const, title: parameterTitle(data.parameter), scale: { zero: false, nice: false } }
    : { field: 'x', type: 'ordinal' as const, title: parameterTitle(data.parameter), sort: data.xOrder, axis: { labelAngle: 0 } };
  const grouped = data.groups.length > 1;
  const strategies = colors.domain.filter((s) => data.rows.some((r) => r.strategy === s));
  const tooltip = [
    { field: 'strategy', type: 'nominal' as const },
    { field: 'panel', type: 'nominal' as const, title: 'metric' },
    { field: 'x', title: data.parameter },
    ...(grouped ? [{ field: 'group', type: 'nominal' as const, title: 'other parameters' }] : []),
    { field: 'mean', type: 'quantitative' as const, title: 'mean', format: '.4~r' },
    { field: 'halfWidth', type: 'quantitative' as const, title: '± 95 % CI', format: '.2~r' },
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
  // Discrete values: strategies side by side at each value, so their bars do not overlap.
  const offset = data.numeric ? {} : { xOffset: { field: 'strategy', type: 'nominal' as const, sort: strategies } };
  const layer = data.numeric
    ? [
        { mark: { type: 'area' as const, opacity: 0.16, interpolate: 'monotone' as const }, encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } } },
        { mark: { type: 'line' as const, strokeWidth: 2, interpolate: 'monotone' as const }, encoding: { y: { field: 'mean', ...y } } },
        { mark: { type: 'point' as const, filled: true, size: 36, opacity: 1 }, encoding: { y: { field: 'mean', ...y }, tooltip } },
      ]
    : [
        { mark: { type: 'rule' as const, strokeWidth: 2.5, strokeCap: 'round' as const }, encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' } } },
        { mark: { type: 'point' as const, filled: true, size: 64, opacity: 1 }, encoding: { y: { field: 'mean', ...y }, tooltip } },
      ];
  const bandText = data.numeric ? 'lines: mean over replications · bands: 95 % confidence interval' : 'dots: mean over replications · bars: 95 % confidence interval';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: text.title, subtitle: [contextLine(context), bandText] },
    config: CHART_CONFIG,
    data: { values: data.rows.map((r) => ({ ...r })) },
    facet: {
      column: {
        field: 'panel',
        type: 'nominal',
        sort: data.panels.map((p) => p.label),
        title: null,
        header: { labelExpr: log ? "'latency ' + datum.value" : 'datum.value', labelAnchor: 'start', labelPadding: 6 },
      },
      ...(grouped && {
        row: { field: 'group', type: 'nominal' as const, sort: data.groups, title: null, header: { labelAngle: 0, labelAlign: 'left' as const } },
      }),
    },
    spec: { width: 300, height: 240, encoding: { x, color, ...offset }, layer },
    resolve: { scale: { y: log ? 'shared' : 'independent', x: 'shared' } },
  };
}

export function latencyVsParameterSpec(data: ParameterData, colors: StrategyColors, context: ChartContext): TopLevelSpec {
  return parameterSpec(data, colors, context, { title: `Latency versus ${data.parameter}` });
}
