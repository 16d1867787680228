/**
 * The chart of a `meshsim check` counterexample (or of the closest call when the SLO held):
 * the guarantee that broke, judged the way the evaluator judges it, above the run's errors,
 * p99 latency and instance states, on one time axis, with every fault shaded (Jepsen's perf
 * plots with nemesis bands) and the judged unit that broke the guarantee outlined in red.
 *
 * The top panel depends on the guarantee's scope:
 * - per window: the SLI of every rolling window, plotted at the window's end (where the window
 *   is complete), the threshold as a dashed line, and the violating window outlined;
 * - per fault: the fault's measured time (from its start, or from its end for
 *   `recovery.afterFaultEnd`) as a bar, and the bound as a dashed mark;
 * - over the run: no panel; the subtitle gives the run's value.
 * Lower panels read timeseries.csv's rows (per `timeseries.window`).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { WindowPoint, JudgedUnit } from '../../slo/evaluate.js';
import { sliDefinition, type SloObjective } from '../../slo/objective.js';
import type { TimeSeriesRow } from '../../sim/timeseries.js';
import type { FaultWindow } from './fault-timeseries.js';
import { CHART_CONFIG, FAULT_SHADE, logAxis } from './theme.js';

export interface CheckChartInput {
  readonly title: string;
  readonly subtitle: readonly string[];
  readonly timeseries: readonly TimeSeriesRow[];
  /** Fault windows, seconds. */
  readonly faults: readonly FaultWindow[];
  readonly objective: SloObjective;
  /** Every window of a per-window objective; null for other scopes. */
  readonly windows: readonly WindowPoint[] | null;
  readonly worst: JudgedUnit | null;
  readonly violated: boolean;
}

const VIOLATION = '#C81E1E';
const CLOSE_CALL = '#D97706';
const LINE = '#0072B2';
const PANEL_WIDTH = 720;
const MEASURE_COLORS: Readonly<Record<string, string>> = { 'instances up': '#009E73', ejected: '#D55E00', unhealthy: '#E69F00' };

/** A value in the unit the panel shows: shares in %, times in ms, rates per second. */
function display(sli: string, value: number): number {
  return sliDefinition(sli)?.measure === 'ratio' ? 100 * value : value;
}

function unitTitle(objective: SloObjective): string {
  switch (sliDefinition(objective.sli)?.measure) {
    case 'ratio':
      return `${objective.sli} (%)`;
    case 'time':
      return `${objective.sli} (ms)`;
    case 'rate':
      return `${objective.sli} (requests/s)`;
    default:
      return objective.sli;
  }
}

/** The span a judged unit marks on the time axis, seconds. */
function markedSpan(objective: SloObjective, unit: JudgedUnit): { start: number; end: number } {
  if (unit.fault === undefined) return { start: unit.start / 1000, end: unit.end / 1000 };
  const from = objective.sli === 'recovery.afterFaultEnd' ? unit.end : unit.start;
  return { start: from / 1000, end: (from + unit.value) / 1000 };
}

export function checkCounterexampleSpec(input: CheckChartInput): TopLevelSpec {
  const { objective, worst } = input;
  const rows = input.timeseries;
  const step = rows.length > 1 ? rows[1]!.start - rows[0]!.start : 1000;
  const domain: [number, number] = [(rows[0]?.start ?? 0) / 1000, ((rows[rows.length - 1]?.start ?? 0) + step) / 1000];
  const mark = worst === null ? null : { ...markedSpan(objective, worst), label: input.violated ? 'violated' : 'closest' };
  if (mark !== null) domain[1] = Math.max(domain[1], mark.end);
  const accent = input.violated ? VIOLATION : CLOSE_CALL;

  const points: Array<{ time: number; measure: string; value: number | null }> = [];
  for (const r of rows) {
    const t = r.start / 1000;
    points.push({ time: t, measure: 'errors', value: r.arrivals > 0 ? (100 * (r.errors + r.timeouts)) / r.arrivals : null });
    points.push({ time: t, measure: 'p99', value: r.p99 > 0 && Number.isFinite(r.p99) ? r.p99 : null });
    points.push({ time: t, measure: 'ejected', value: r.ejected });
    points.push({ time: t, measure: 'unhealthy', value: r.unhealthy });
    points.push({ time: t, measure: 'instances up', value: Number.isFinite(r.instancesUp) ? r.instancesUp : null });
  }
  const sli = (input.windows ?? []).map((w) => ({ time: w.end / 1000, value: w.judged ? display(objective.sli, w.value) : null }));
  const threshold = display(objective.sli, objective.value);

  const x = (last: boolean, field = 'time') => ({
    field,
    type: 'quantitative' as const,
    scale: { domain, nice: false, zero: false },
    axis: last ? { title: 'simulated time (s)' } : { title: null, labels: false },
  });
  const background = (last: boolean) => [
    {
      data: { name: 'faults' },
      mark: { type: 'rect' as const, color: FAULT_SHADE, opacity: 0.45 },
      encoding: {
        x: x(last, 'start'),
        x2: { field: 'end' },
        tooltip: [{ field: 'label', type: 'nominal' as const, title: 'fault' }],
      },
    },
    ...(mark === null
      ? []
      : [
          {
            data: { values: [mark] },
            mark: { type: 'rect' as const, fill: accent, fillOpacity: 0.08, stroke: accent, strokeWidth: 1.5 },
            encoding: { x: x(last, 'start'), x2: { field: 'end' }, tooltip: [{ field: 'label', type: 'nominal' as const }] },
          },
        ]),
  ];
  const line = (measures: string[], y: Record<string, unknown>, last = false) => ({
    width: PANEL_WIDTH,
    height: 110,
    layer: [
      ...background(last),
      {
        data: { name: 'points' },
        transform: [{ filter: { field: 'measure', oneOf: measures } }],
        mark: { type: 'line' as const, strokeWidth: 1.6, interpolate: 'step-after' as const },
        encoding: {
          x: x(last),
          y: { field: 'value', type: 'quantitative' as const, ...y },
          color: {
            field: 'measure',
            type: 'nominal' as const,
            title: null,
            scale: { domain: measures, range: measures.map((m) => MEASURE_COLORS[m] ?? LINE) },
            legend: measures.length > 1 ? {} : null,
          },
        },
      },
    ],
  });

  const panels: unknown[] = [];
  if (input.windows !== null) {
    panels.push({
      width: PANEL_WIDTH,
      height: 140,
      layer: [
        ...background(false),
        {
          data: { name: 'sli' },
          mark: { type: 'line' as const, color: LINE, strokeWidth: 1.8 },
          encoding: { x: x(false), y: { field: 'value', type: 'quantitative' as const, title: `${unitTitle(objective)} per window`, scale: { zero: false } } },
        },
        {
          data: { values: [{ threshold }] },
          mark: { type: 'rule' as const, color: accent, strokeDash: [6, 4], strokeWidth: 1.4 },
          encoding: { y: { field: 'threshold', type: 'quantitative' as const } },
        },
      ],
    });
  } else if (objective.per === 'fault' && worst !== null && mark !== null) {
    const bound = { start: mark.start, end: mark.start + objective.value / 1000 };
    panels.push({
      width: PANEL_WIDTH,
      height: 44,
      layer: [
        ...background(false),
        {
          data: { values: [{ ...mark, what: 'measured' }] },
          mark: { type: 'bar' as const, color: accent, height: 14 },
          encoding: { x: x(false, 'start'), x2: { field: 'end' }, tooltip: [{ field: 'what', type: 'nominal' as const }] },
        },
        {
          data: { values: [{ at: bound.end, what: 'bound' }] },
          mark: { type: 'tick' as const, color: '#1F2933', thickness: 2, size: 30 },
          encoding: { x: { ...x(false, 'at') }, tooltip: [{ field: 'what', type: 'nominal' as const }] },
        },
      ],
      title: { text: `${objective.sli}: measured (bar) against the bound (tick)`, fontSize: 11, fontWeight: 'normal' as const, anchor: 'start' as const },
    });
  }
  const p99Axis = logAxis(points.flatMap((p) => (p.measure === 'p99' && p.value !== null ? [p.value] : [])));
  panels.push(line(['errors'], { title: 'errors (% of arrivals)' }));
  panels.push(
    line(['p99'], {
      title: 'p99 latency (ms)',
      scale: { type: 'log', ...(p99Axis && { domain: p99Axis.domain }) },
      axis: { format: ',~r', ...(p99Axis && { values: p99Axis.values }) },
    }),
  );
  panels.push(line(['instances up', 'ejected', 'unhealthy'], { title: 'instances', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: true } }, true));

  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: input.title, subtitle: [...input.subtitle] },
    config: { ...CHART_CONFIG, concat: { spacing: 12 } },
    datasets: { points, sli, faults: input.faults.map((f) => ({ ...f })) },
    vconcat: panels as TopLevelSpec[],
    resolve: { scale: { x: 'shared', color: 'independent' } },
  } as TopLevelSpec;
}
