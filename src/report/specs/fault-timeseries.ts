/**
 * The run over time around faults: p99 latency, error rate, ejected and unhealthy instances,
 * and instances up, as four stacked panels on one time axis, with every fault window shaded.
 *
 * Inputs are the rows of `timeseries.csv` (one per window: `time`, `arrivals`, `successes`,
 * `errors`, `timeouts`, `p50`, `p99`, `ejected`, `unhealthy`, `instancesUp`; optionally
 * `label` for the strategy and `replication`) and of `events.csv` (`time`, `kind`,
 * `instance`, `client`, `cause`). Times are milliseconds, as everywhere in meshsim.
 *
 * Fault windows are read from events: a `fault_start` (or `fault`) event opens a window on its
 * instance, the next `fault_end` (or `fault_cleared`, `heal`, `healed`) on that instance
 * closes it, and a window still open at the end runs to the last window of the series. When
 * events.csv has no such events, the scheduled faults of the scenario (`at`, `for`) are
 * shaded instead; faults drawn at random appear only in events.
 *
 * With several replications in the files, the chart shows the first one alone (faults may be
 * drawn at random and differ between replications, so an average would smear them).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MembershipColumns } from './membership-timeseries.js';
import { CHART_CONFIG, FAULT_SHADE, colorScale, contextLine, logAxis, type ChartContext, type StrategyColors } from './theme.js';

export interface TimeseriesRow {
  /** The strategy's label; the run's only strategy when the file has no `label` column. */
  strategy: string;
  replication: number;
  /** Window start, ms. */
  time: number;
  arrivals: number;
  successes: number;
  errors: number;
  timeouts: number;
  p50: number;
  p99: number;
  ejected: number;
  unhealthy: number;
  instancesUp: number;
  /** With membership's columns only (membership-timeseries.ts). */
  membership?: MembershipColumns;
}

export interface EventRow {
  time: number;
  kind: string;
  instance: number;
  client: number;
  cause: string;
  /** Absent columns read as replication 0 and no strategy. */
  replication: number;
  strategy: string;
}

export interface FaultWindow {
  /** Seconds. */
  start: number;
  end: number;
  instance: number;
  /** What the chart's tooltip says: `instance 3: crash`. */
  label: string;
}

const FAULT_START = /^fault([_-]?(start|begin|started))?$/i;
const FAULT_END = /^(fault[_-]?(end|ended|stop|clear|cleared|heal|healed)|heal|healed)$/i;

export function isFaultStart(kind: string): boolean {
  return FAULT_START.test(kind);
}

export function isFaultEnd(kind: string): boolean {
  return FAULT_END.test(kind);
}

/** The replication charted: the smallest index present. */
export function chartedReplication(rows: ReadonlyArray<{ replication: number }>): number {
  return rows.reduce((min, r) => Math.min(min, r.replication), Infinity);
}

/**
 * Fault windows of `events` (one replication), in seconds. The same window logged once per
 * strategy (faults are common random numbers) is drawn once.
 */
export function faultWindows(events: readonly EventRow[], endMs: number): FaultWindow[] {
  const sorted = [...events].sort((a, b) => a.time - b.time);
  const open = new Map<string, EventRow[]>();
  const windows = new Map<string, FaultWindow>();
  const add = (startEvent: EventRow, end: number) => {
    const cause = startEvent.cause ? `: ${startEvent.cause}` : '';
    const window: FaultWindow = {
      start: startEvent.time / 1000,
      end: Math.max(startEvent.time, end) / 1000,
      instance: startEvent.instance,
      label: `instance ${startEvent.instance}${cause}`,
    };
    windows.set(`${window.instance}/${window.start}/${window.end}`, window);
  };
  for (const event of sorted) {
    const key = `${event.strategy}/${event.instance}`;
    if (isFaultStart(event.kind)) {
      open.set(key, [...(open.get(key) ?? []), event]);
    } else if (isFaultEnd(event.kind)) {
      const starts = open.get(key);
      const start = starts?.shift();
      if (start) add(start, event.time);
    }
  }
  for (const starts of open.values()) for (const start of starts) add(start, endMs);
  return [...windows.values()].sort((a, b) => a.start - b.start || a.instance - b.instance);
}

interface ScheduledFault {
  kind?: unknown;
  instance?: unknown;
  instances?: unknown;
  zone?: unknown;
  at?: unknown;
  for?: unknown;
}

/** The faults a resolved scenario schedules (`faults: [{ kind, instance(s) | zone, at, for }]`), in seconds. */
export function scenarioFaultWindows(scenario: unknown, endMs: number): FaultWindow[] {
  const faults = (scenario as { faults?: unknown } | undefined)?.faults;
  if (!Array.isArray(faults)) return [];
  const windows: FaultWindow[] = [];
  for (const f of faults as ScheduledFault[]) {
    if (typeof f !== 'object' || f === null || typeof f.at !== 'number') continue;
    const end = typeof f.for === 'number' ? f.at + f.for : endMs;
    const instances = Array.isArray(f.instances) ? (f.instances as unknown[]).filter((i) => typeof i === 'number') : [];
    const target =
      typeof f.instance === 'number'
        ? `instance ${f.instance}`
        : instances.length > 0
          ? `instances ${instances.join(', ')}`
          : typeof f.zone === 'string'
            ? `zone ${f.zone}`
            : 'scheduled fault';
    const kind = typeof f.kind === 'string' ? `: ${f.kind}` : '';
    windows.push({
      start: f.at / 1000,
      end: Math.max(f.at, end) / 1000,
      instance: typeof f.instance === 'number' ? f.instance : -1,
      label: `${target}${kind}`,
    });
  }
  return windows.sort((a, b) => a.start - b.start);
}

export type TimeseriesMeasure = 'p99' | 'errorRate' | 'ejected' | 'unhealthy' | 'instancesUp';

export interface TimeseriesPoint {
  strategy: string;
  /** Seconds. */
  time: number;
  measure: TimeseriesMeasure;
  /** null where undefined (no successes, no arrivals): vega breaks the line there. */
  value: number | null;
}

export interface FaultTimeseriesData {
  points: TimeseriesPoint[];
  faults: FaultWindow[];
  /** The replication shown. */
  replication: number;
  /** Whether the files hold more than one replication. */
  severalReplications: boolean;
  /** Where the fault windows come from. */
  faultSource: 'events' | 'scenario' | 'none';
  /** Seconds: the first window's start to the last window's end. */
  timeDomain: [number, number];
}

/**
 * The long-format points of one replication: error rate is errors and timeouts over arrivals
 * (in %), undefined in a window without arrivals; latency is undefined in a window without
 * successes. Undefined values are null, which breaks the line.
 */
export function faultTimeseriesData(
  series: readonly TimeseriesRow[],
  events: readonly EventRow[],
  scenario?: unknown,
): FaultTimeseriesData {
  const replication = chartedReplication(series);
  const rows = series.filter((r) => r.replication === replication);
  const points: TimeseriesPoint[] = [];
  const push = (r: TimeseriesRow, measure: TimeseriesMeasure, value: number) => {
    if (!Number.isFinite(r.time)) return;
    points.push({ strategy: r.strategy, time: r.time / 1000, measure, value: Number.isFinite(value) ? value : null });
  };
  for (const r of rows) {
    push(r, 'p99', r.p99 > 0 ? r.p99 : NaN);
    push(r, 'errorRate', r.arrivals > 0 ? (100 * (r.errors + r.timeouts)) / r.arrivals : NaN);
    push(r, 'ejected', r.ejected);
    push(r, 'unhealthy', r.unhealthy);
    push(r, 'instancesUp', r.instancesUp);
  }
  // The last window is as long as the one before it; the shading runs to its end.
  const times = [...new Set(rows.map((r) => r.time))].sort((a, b) => a - b);
  const last = times[times.length - 1] ?? 0;
  const step = times.length > 1 ? last - times[times.length - 2]! : 0;
  const fromEvents = faultWindows(
    events.filter((e) => e.replication === replication),
    last + step,
  );
  const fromScenario = fromEvents.length > 0 ? [] : scenarioFaultWindows(scenario, last + step);
  const faults = fromEvents.length > 0 ? fromEvents : fromScenario;
  return {
    points,
    faults,
    replication,
    severalReplications: new Set(series.map((r) => r.replication)).size > 1,
    faultSource: fromEvents.length > 0 ? 'events' : fromScenario.length > 0 ? 'scenario' : 'none',
    timeDomain: [(times[0] ?? 0) / 1000, (last + step) / 1000],
  };
}

const PANEL_WIDTH = 720;
const PANEL_HEIGHT = 120;

export function faultTimeseriesSpec(data: FaultTimeseriesData, colors: StrategyColors, context: ChartContext): TopLevelSpec {
  const strategies = colors.domain.filter((s) => data.points.some((p) => p.strategy === s));
  const domain = [...data.timeDomain];
  for (const f of data.faults) {
    domain[0] = Math.min(domain[0]!, f.start);
    domain[1] = Math.max(domain[1]!, f.end);
  }
  if (!(domain[1]! > domain[0]!)) domain[1] = domain[0]! + 1;
  const x = {
    field: 'time',
    type: 'quantitative' as const,
    title: 'simulated time (s)',
    scale: { domain, nice: false, zero: false },
  };
  const color = { field: 'strategy', type: 'nominal' as const, scale: colorScale(colors), sort: strategies, title: 'strategy' };
  // Only the bottom panel labels the shared time axis.
  const panelX = (lastPanel: boolean) => ({ ...x, axis: lastPanel ? {} : { title: null, labels: false } });
  const faultLayer = (lastPanel: boolean) => ({
    data: { name: 'faults' },
    mark: { type: 'rect' as const, color: FAULT_SHADE, opacity: 0.45 },
    encoding: {
      x: { ...panelX(lastPanel), field: 'start' },
      x2: { field: 'end' },
      tooltip: [
        { field: 'label', type: 'nominal' as const, title: 'fault' },
        { field: 'start', type: 'quantitative' as const, title: 'from (s)', format: ',.3~f' },
        { field: 'end', type: 'quantitative' as const, title: 'to (s)', format: ',.3~f' },
      ],
    },
  });
  interface TooltipField {
    field: string;
    type: 'nominal' | 'quantitative';
    title?: string;
    format?: string;
  }
  const valueTooltip = (title: string, format: string): TooltipField[] => [
    { field: 'strategy', type: 'nominal' as const },
    { field: 'time', type: 'quantitative' as const, title: 'time (s)', format: ',.3~f' },
    { field: 'value', type: 'quantitative' as const, title, format },
  ];
  const p99Axis = logAxis(data.points.flatMap((p) => (p.measure === 'p99' && p.value !== null ? [p.value] : [])));

  const panel = (
    measures: TimeseriesMeasure[],
    y: Record<string, unknown>,
    tooltip: TooltipField[],
    options: { dashByMeasure?: boolean; lastPanel?: boolean } = {},
  ) => ({
    width: PANEL_WIDTH,
    height: PANEL_HEIGHT,
    layer: [
      faultLayer(options.lastPanel ?? false),
      {
        data: { name: 'points' },
        transform: [{ filter: { field: 'measure', oneOf: measures } }],
        // Each value holds for its whole window: steps, not slopes between window starts.
        mark: { type: 'line' as const, strokeWidth: 1.8, interpolate: 'step-after' as const },
        encoding: {
          x: panelX(options.lastPanel ?? false),
          y: { field: 'value', ...y },
          color,
          tooltip,
          ...(options.dashByMeasure && {
            strokeDash: {
              field: 'measure',
              type: 'nominal' as const,
              title: 'instances',
              scale: { domain: ['ejected', 'unhealthy'], range: [[1, 0], [5, 3]] },
            },
          }),
        },
      },
    ],
  });

  const subtitle = [
    contextLine(context) + (data.severalReplications ? ` · replication ${data.replication} shown` : ''),
    {
      events: 'shaded: fault windows (from events.csv)',
      scenario: 'shaded: fault windows scheduled by the scenario',
      none: 'no fault windows recorded',
    }[data.faultSource],
  ];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Around the faults: latency, errors and instances over time', subtitle },
    config: { ...CHART_CONFIG, concat: { spacing: 14 } },
    datasets: { points: data.points.map((p) => ({ ...p })), faults: data.faults.map((f) => ({ ...f })) },
    vconcat: [
      panel(
        ['p99'],
        {
          type: 'quantitative',
          title: 'p99 latency (ms)',
          scale: { type: 'log', ...(p99Axis && { domain: p99Axis.domain }) },
          axis: { format: ',~r', ...(p99Axis && { values: p99Axis.values }) },
        },
        valueTooltip('p99 (ms)', ',.4~r'),
      ),
      panel(['errorRate'], { type: 'quantitative', title: 'errors (% of arrivals)', axis: { format: '~r' } }, valueTooltip('errors and timeouts (%)', '.3~f')),
      panel(
        ['ejected', 'unhealthy'],
        { type: 'quantitative', title: 'ejected / unhealthy', axis: { format: 'd', tickMinStep: 1 } },
        [...valueTooltip('instances', 'd'), { field: 'measure', type: 'nominal' as const, title: 'state' }],
        { dashByMeasure: true },
      ),
      panel(
        ['instancesUp'],
        { type: 'quantitative', title: 'instances up', scale: { zero: true }, axis: { format: 'd', tickMinStep: 1 } },
        valueTooltip('instances up', 'd'),
        { lastPanel: true },
      ),
    ],
    resolve: { scale: { x: 'shared', color: 'shared' } },
  };
}
