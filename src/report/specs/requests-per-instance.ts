/**
 * Requests served per instance, per strategy: the imbalance a strategy leaves behind. Bars are
 * means over replications with 95 % confidence intervals; a dashed line marks the even share.
 * Instances the scenario makes different (speed, weight) say so under their number, since
 * that is usually why their bars differ.
 */
import type { TopLevelSpec } from 'vega-lite';
import { getMetric } from '../../analysis/metric-paths.js';
import type { StrategyResult } from '../../analysis/types.js';
import { CHART_CONFIG, colorScale, contextLine, finiteOr, type ChartContext, type StrategyColors } from './theme.js';

export interface RequestsPerInstanceRow {
  strategy: string;
  instance: number;
  /** The axis label: the instance number, then any notes, separated by LABEL_SEPARATOR. */
  instanceLabel: string;
  /** Mean requests served over replications. */
  requests: number;
  lower: number;
  upper: number;
  halfWidth: number;
  /** Percentage of the strategy's requests served by this instance. */
  share: number;
}

/** Separates an instance number from its notes; the axis draws each part on its own line. */
const LABEL_SEPARATOR = ' · ';

/** What the report knows of an instance besides its load (instances.csv, or the scenario). */
export interface InstanceAttributes {
  instance: number;
  speed: number;
  weight: number;
  zone: string;
}

interface OverrideLike {
  instance?: unknown;
  instances?: unknown;
  speed?: unknown;
  weight?: unknown;
  zone?: unknown;
}

/**
 * Instance attributes from a resolved scenario (scenario.json): `service.overrides` applied in
 * order, later ones winning, as the simulation applies them. Empty for anything unreadable.
 */
export function attributesFromScenario(scenario: unknown): InstanceAttributes[] {
  const service = (scenario as { service?: { instances?: unknown; zone?: unknown; overrides?: unknown } } | undefined)?.service;
  const count = typeof service?.instances === 'number' ? service.instances : 0;
  const zone = typeof service?.zone === 'string' ? service.zone : '';
  const table = Array.from({ length: count }, (_, instance): InstanceAttributes => ({ instance, speed: 1, weight: 1, zone }));
  const overrides = Array.isArray(service?.overrides) ? (service.overrides as OverrideLike[]) : [];
  for (const o of overrides) {
    if (typeof o !== 'object' || o === null) continue;
    const targets = Array.isArray(o.instances) ? (o.instances as unknown[]) : [o.instance];
    for (const target of targets) {
      const row = typeof target === 'number' ? table[target] : undefined;
      if (!row) continue;
      if (typeof o.speed === 'number') row.speed = o.speed;
      if (typeof o.weight === 'number') row.weight = o.weight;
      if (typeof o.zone === 'string') row.zone = o.zone;
    }
  }
  return table;
}

/**
 * Notes per instance (`speed 0.5`, `weight 2`, `zone b`) for what sets it apart. A weight or
 * zone is noted only when they differ between instances: all weights 2 is no news.
 */
export function instanceNotes(attributes: readonly InstanceAttributes[], count: number): string[][] {
  const notes: string[][] = Array.from({ length: count }, () => []);
  const differ = (pick: (a: InstanceAttributes) => unknown) => new Set(attributes.map(pick)).size > 1;
  const weightsDiffer = differ((a) => a.weight);
  const zonesDiffer = differ((a) => a.zone);
  for (const a of attributes) {
    const note = notes[a.instance];
    if (!note) continue;
    if (a.speed !== 1 && Number.isFinite(a.speed)) note.push(`speed ${a.speed}`);
    if (weightsDiffer) note.push(`weight ${a.weight}`);
    if (zonesDiffer) note.push(`zone ${a.zone}`);
  }
  return notes;
}

/** The number of instances: the longest perInstance array of any strategy. */
export function instanceCount(results: readonly StrategyResult[]): number {
  return results.reduce((most, r) => Math.max(most, Array.isArray(r.metrics.perInstance) ? r.metrics.perInstance.length : 0), 0);
}

/** Beyond this many instances the axis has room for numbers only. */
export const MAX_ANNOTATED_INSTANCES = 16;

export function requestsPerInstanceRows(
  results: readonly StrategyResult[],
  notes: readonly string[][] = [],
): RequestsPerInstanceRow[] {
  const count = instanceCount(results);
  if (count > MAX_ANNOTATED_INSTANCES) notes = [];
  const rows: RequestsPerInstanceRow[] = [];
  for (const result of results) {
    const values = Array.from({ length: count }, (_, i) => getMetric(result.metrics, `perInstance.${i}`));
    const total = values.reduce((sum, v) => (Number.isFinite(v) ? sum + v : sum), 0);
    values.forEach((requests, instance) => {
      if (!Number.isFinite(requests)) return;
      const halfWidth = finiteOr(result.ci95[`perInstance.${instance}`], 0);
      rows.push({
        strategy: result.label,
        instance,
        instanceLabel: [String(instance), ...(notes[instance] ?? [])].join(LABEL_SEPARATOR),
        requests,
        lower: Math.max(0, requests - halfWidth),
        upper: requests + halfWidth,
        halfWidth,
        share: total > 0 ? (100 * requests) / total : 0,
      });
    });
  }
  return rows;
}

export function requestsPerInstanceSpec(
  rows: readonly RequestsPerInstanceRow[],
  colors: StrategyColors,
  context: ChartContext,
): TopLevelSpec {
  const strategies = colors.domain.filter((s) => rows.some((r) => r.strategy === s));
  const labels = [...new Map(rows.map((r) => [r.instance, r.instanceLabel])).entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, label]) => label);
  const evenShare = rows.length > 0 ? rows.reduce((sum, r) => sum + r.requests, 0) / rows.length : 0;
  const hasNotes = labels.some((l) => l.includes(LABEL_SEPARATOR));
  // Notes are up to ~10 characters wide: their band must be at least that wide.
  const band = Math.max(strategies.length * 10 + 14, hasNotes ? 84 : 0);
  const width = Math.min(1000, Math.max(420, labels.length * band));
  const y = { type: 'quantitative' as const, title: 'requests served (mean per replication)', axis: { format: ',~r' } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Requests per instance',
      subtitle: [
        contextLine(context),
        'bars: mean over replications · whiskers: 95 % confidence interval · dashed: even share',
      ],
    },
    config: CHART_CONFIG,
    width,
    height: 280,
    layer: [
      {
        data: { values: rows.map((r) => ({ ...r })) },
        encoding: {
          x: {
            field: 'instanceLabel',
            type: 'ordinal',
            sort: labels,
            title: hasNotes ? 'instance (and how the scenario sets it apart)' : 'instance',
            axis: {
              labelAngle: 0,
              labelExpr: `split(datum.label, '${LABEL_SEPARATOR}')`,
              labelLineHeight: 13,
            },
            scale: { paddingInner: 0.2 },
          },
          xOffset: { field: 'strategy', type: 'nominal', sort: strategies },
          color: { field: 'strategy', type: 'nominal', scale: colorScale(colors), sort: strategies, title: 'strategy' },
        },
        layer: [
          {
            mark: { type: 'bar', cornerRadiusTopLeft: 1.5, cornerRadiusTopRight: 1.5 },
            encoding: {
              y: { field: 'requests', ...y },
              tooltip: [
                { field: 'instance', type: 'ordinal' },
                { field: 'strategy', type: 'nominal' },
                { field: 'requests', type: 'quantitative', title: 'requests (mean)', format: ',.1f' },
                { field: 'halfWidth', type: 'quantitative', title: '± 95 % CI', format: ',.2~r' },
                { field: 'share', type: 'quantitative', title: 'share (%)', format: '.2f' },
              ],
            },
          },
          {
            mark: { type: 'rule', color: '#1F2933', strokeWidth: 1.2 },
            encoding: { y: { field: 'lower', ...y }, y2: { field: 'upper' }, color: { value: '#1F2933' } },
          },
        ],
      },
      {
        data: { values: [{ evenShare }] },
        mark: { type: 'rule', strokeDash: [5, 4], color: '#52606D', strokeWidth: 1.2 },
        encoding: { y: { field: 'evenShare', ...y } },
      },
    ],
  };
}
