/**
 * Pods over time (issue 13): the Deployment's desired replicas and its Ready pods as steps, the
 * band between the fewest and the most endpoints any client routes to (what discovery has
 * carried to the sidecars, less what health checking holds back), autoscaling decisions as
 * rules, and below, the attempts that met a gone endpoint in each window, one mark per cause.
 *
 * Inputs are the rows of `timeseries.csv` with membership's columns (`readyPods`,
 * `desiredReplicas`, `endpointsMin`, `endpointsMax`, and `goneStaleEndpoint`, `goneDnsCache`,
 * `goneRetainedHealthy`, `goneKilledInFlight`, `goneDrainCutOff`) and the `scale` events of
 * `events.csv`. As with the fault chart, the first replication alone is shown: pods start and
 * stop at different times in each.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartedReplication, type EventRow, type TimeseriesRow } from './fault-timeseries.js';
import { CHART_CONFIG, colorScale, contextLine, type ChartContext, type StrategyColors } from './theme.js';

/** The causes as the time series names them (membership.sentToGone.*), with what the legend says. */
export const GONE_CAUSE_LABELS: ReadonlyArray<readonly [key: GoneCauseKey, label: string]> = [
  ['staleEndpoint', 'stale endpoint (xDS)'],
  ['dnsCache', 'DNS cache'],
  ['retainedHealthy', 'kept while healthy'],
  ['killedInFlight', 'in flight at SIGKILL'],
  ['drainCutOff', 'cut off at drain timeout'],
];
export type GoneCauseKey = 'staleEndpoint' | 'dnsCache' | 'retainedHealthy' | 'killedInFlight' | 'drainCutOff';

/** What a timeseries row holds with membership. */
export interface MembershipColumns {
  readyPods: number;
  desiredReplicas: number;
  endpointsMin: number;
  endpointsMax: number;
  gone: Record<GoneCauseKey, number>;
}

export interface PodPoint {
  strategy: string;
  /** Seconds (window start). */
  time: number;
  measure: 'ready pods' | 'desired replicas';
  value: number;
}

export interface EndpointBand {
  strategy: string;
  time: number;
  min: number;
  max: number;
}

export interface GonePoint {
  strategy: string;
  time: number;
  cause: string;
  count: number;
}

export interface ScaleMark {
  strategy: string;
  time: number;
  label: string;
}

export interface MembershipTimeseriesData {
  pods: PodPoint[];
  bands: EndpointBand[];
  gone: GonePoint[];
  scales: ScaleMark[];
  replication: number;
  severalReplications: boolean;
  /** Seconds. */
  timeDomain: [number, number];
  /** Attempts that met a gone endpoint, over the charted replication and every strategy. */
  goneTotal: number;
}

/** Whether the series has membership's columns (a run with instances that come and go). */
export function hasMembership(series: readonly TimeseriesRow[]): boolean {
  return series.some((r) => r.membership !== undefined);
}

export function membershipTimeseriesData(series: readonly TimeseriesRow[], events: readonly EventRow[]): MembershipTimeseriesData {
  const replication = chartedReplication(series);
  const rows = series.filter((r) => r.replication === replication && r.membership !== undefined && Number.isFinite(r.time));
  const pods: PodPoint[] = [];
  const bands: EndpointBand[] = [];
  const gone: GonePoint[] = [];
  let goneTotal = 0;
  for (const r of rows) {
    const m = r.membership!;
    const time = r.time / 1000;
    if (Number.isFinite(m.readyPods)) pods.push({ strategy: r.strategy, time, measure: 'ready pods', value: m.readyPods });
    if (Number.isFinite(m.desiredReplicas)) pods.push({ strategy: r.strategy, time, measure: 'desired replicas', value: m.desiredReplicas });
    if (Number.isFinite(m.endpointsMin) && Number.isFinite(m.endpointsMax)) bands.push({ strategy: r.strategy, time, min: m.endpointsMin, max: m.endpointsMax });
    for (const [key, label] of GONE_CAUSE_LABELS) {
      const count = m.gone[key];
      if (count > 0) {
        gone.push({ strategy: r.strategy, time, cause: label, count });
        goneTotal += count;
      }
    }
  }
  const scales = events
    .filter((e) => e.replication === replication && e.kind === 'scale' && Number.isFinite(e.time))
    .map((e) => ({ strategy: e.strategy, time: e.time / 1000, label: e.cause }));
  const times = [...new Set(rows.map((r) => r.time))].sort((a, b) => a - b);
  const last = times[times.length - 1] ?? 0;
  const step = times.length > 1 ? last - times[times.length - 2]! : 0;
  return {
    pods,
    bands,
    gone,
    scales,
    replication,
    severalReplications: new Set(series.map((r) => r.replication)).size > 1,
    timeDomain: [(times[0] ?? 0) / 1000, (last + step) / 1000],
    goneTotal,
  };
}

const PANEL_WIDTH = 720;

export function membershipTimeseriesSpec(data: MembershipTimeseriesData, colors: StrategyColors, context: ChartContext): TopLevelSpec {
  const strategies = colors.domain.filter((s) => data.pods.some((p) => p.strategy === s) || data.bands.some((b) => b.strategy === s));
  const domain = data.timeDomain[1] > data.timeDomain[0] ? [...data.timeDomain] : [data.timeDomain[0], data.timeDomain[0] + 1];
  const x = { field: 'time', type: 'quantitative' as const, title: 'simulated time (s)', scale: { domain, nice: false, zero: false } };
  const hiddenX = { ...x, axis: { title: null, labels: false } };
  const color = { field: 'strategy', type: 'nominal' as const, scale: colorScale(colors), sort: strategies, title: 'strategy' };
  const time = { field: 'time', type: 'quantitative' as const, title: 'time (s)', format: ',.3~f' };
  const podsPanel = {
    width: PANEL_WIDTH,
    height: 180,
    layer: [
      {
        data: { name: 'bands' },
        // Steps, as the series' values hold for their whole window.
        mark: { type: 'area' as const, opacity: 0.18, interpolate: 'step-after' as const },
        encoding: {
          x: hiddenX,
          y: { field: 'min', type: 'quantitative' as const, title: 'pods / endpoints', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: true } },
          y2: { field: 'max' },
          color,
          tooltip: [{ field: 'strategy', type: 'nominal' as const }, time, { field: 'min', type: 'quantitative' as const, title: 'fewest endpoints a client routes to' }, { field: 'max', type: 'quantitative' as const, title: 'most endpoints a client routes to' }],
        },
      },
      {
        data: { name: 'scales' },
        mark: { type: 'rule' as const, strokeDash: [2, 3], strokeWidth: 1, opacity: 0.6 },
        encoding: { x: hiddenX, color, tooltip: [{ field: 'strategy', type: 'nominal' as const }, time, { field: 'label', type: 'nominal' as const, title: 'scaled' }] },
      },
      {
        data: { name: 'pods' },
        mark: { type: 'line' as const, strokeWidth: 1.8, interpolate: 'step-after' as const },
        encoding: {
          x: hiddenX,
          y: { field: 'value', type: 'quantitative' as const },
          color,
          strokeDash: { field: 'measure', type: 'nominal' as const, title: 'line', scale: { domain: ['ready pods', 'desired replicas'], range: [[1, 0], [6, 3]] } },
          tooltip: [{ field: 'strategy', type: 'nominal' as const }, time, { field: 'measure', type: 'nominal' as const, title: 'what' }, { field: 'value', type: 'quantitative' as const, title: 'count', format: 'd' }],
        },
      },
    ],
  };
  const gonePanel = {
    width: PANEL_WIDTH,
    height: 110,
    data: { name: 'gone' },
    mark: { type: 'point' as const, filled: true, size: 46, opacity: 0.85 },
    encoding: {
      x,
      y: { field: 'count', type: 'quantitative' as const, title: 'sent to gone pods', scale: { type: 'symlog' as const }, axis: { format: '~s' } },
      color,
      shape: { field: 'cause', type: 'nominal' as const, title: 'cause', scale: { domain: GONE_CAUSE_LABELS.map(([, label]) => label) } },
      tooltip: [{ field: 'strategy', type: 'nominal' as const }, time, { field: 'cause', type: 'nominal' as const }, { field: 'count', type: 'quantitative' as const, title: 'attempts in the window', format: 'd' }],
    },
  };
  const subtitle = [
    contextLine(context) + (data.severalReplications ? ` · replication ${data.replication} shown` : ''),
    'lines: ready pods (solid), desired replicas (dashed) · band: fewest to most endpoints a client routes to · dotted rules: scale decisions',
    `marks below: attempts per window that met a gone pod, by cause (${data.goneTotal} in all)`,
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Pods over time: replicas, readiness and what the clients route to', subtitle },
    config: { ...CHART_CONFIG, concat: { spacing: 14 } },
    datasets: {
      pods: data.pods.map((p) => ({ ...p })),
      bands: data.bands.map((b) => ({ ...b })),
      scales: data.scales.map((s) => ({ ...s })),
      gone: data.gone.map((g) => ({ ...g })),
    },
    vconcat: [podsPanel, gonePanel],
    resolve: { scale: { x: 'shared', color: 'shared' } },
  };
}
