/**
 * The chart specs as data: which marks, which encodings, which values, from fixtures. Drawing
 * them is render.test.ts's job; here a wrong field or a lost interval fails without vega.
 */
import { describe, expect, it } from 'vitest';
import { reportCharts } from '../../src/report/charts.js';
import { parseCsv } from '../../src/report/csv.js';
import { detectRecoverRows, detectRecoverSpec } from '../../src/report/specs/detect-recover-times.js';
import {
  faultTimeseriesData,
  faultTimeseriesSpec,
  faultWindows,
  isFaultEnd,
  isFaultStart,
  scenarioFaultWindows,
  type EventRow,
  type TimeseriesRow,
} from '../../src/report/specs/fault-timeseries.js';
import { latencyPercentileRows, latencyPercentilesSpec } from '../../src/report/specs/latency-percentiles.js';
import {
  SERVED_PANELS,
  latencyVsParameterRows,
  latencyVsParameterSpec,
  parameterRows,
  parameterSpec,
} from '../../src/report/specs/latency-vs-parameter.js';
import {
  attributesFromScenario,
  instanceNotes,
  requestsPerInstanceRows,
  requestsPerInstanceSpec,
} from '../../src/report/specs/requests-per-instance.js';
import { STRATEGY_PALETTE, logAxis, strategyColors } from '../../src/report/specs/theme.js';
import { makeRun } from '../helpers/metrics-fixture.js';
import { eventsCsv, faultRun, sweepFixture, timeseriesCsv } from './fixtures.js';

const context = { scenario: 'fixture-scenario', seed: 42, replications: 5 };

/** Every object in a spec tree (layers, facets, concatenations), for "some layer has …" checks. */
function walk(node: unknown, visit: (n: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (typeof node === 'object' && node !== null) {
    visit(node as Record<string, unknown>);
    Object.values(node).forEach((n) => walk(n, visit));
  }
}

function markTypes(spec: unknown): string[] {
  const types: string[] = [];
  walk(spec, (n) => {
    const mark = n.mark;
    if (typeof mark === 'string') types.push(mark);
    else if (typeof mark === 'object' && mark !== null && typeof (mark as { type?: unknown }).type === 'string') {
      types.push((mark as { type: string }).type);
    }
  });
  return types;
}

function colorScales(spec: unknown): Array<{ domain: string[]; range: string[] }> {
  const scales: Array<{ domain: string[]; range: string[] }> = [];
  walk(spec, (n) => {
    const color = n.color as { field?: string; scale?: { domain: string[]; range: string[] } } | undefined;
    if (color?.field === 'strategy' && color.scale) scales.push(color.scale);
  });
  return scales;
}

function timeseriesRows(text: string): TimeseriesRow[] {
  return parseCsv(text).records.map((r) => ({
    strategy: r.label!,
    replication: Number(r.replication),
    time: Number(r.time),
    arrivals: Number(r.arrivals),
    successes: Number(r.successes),
    errors: Number(r.errors),
    timeouts: Number(r.timeouts),
    p50: Number(r.p50),
    p99: r.p99 === '' ? NaN : Number(r.p99),
    ejected: Number(r.ejected),
    unhealthy: Number(r.unhealthy),
    instancesUp: Number(r.instancesUp),
  }));
}

function eventRows(text: string): EventRow[] {
  return parseCsv(text).records.map((r) => ({
    time: Number(r.time),
    kind: r.kind!,
    instance: Number(r.instance),
    client: r.client === '' ? NaN : Number(r.client),
    cause: r.cause!,
    replication: Number(r.replication),
    strategy: r.label!,
  }));
}

describe('strategy colours', () => {
  it('assigns palette colours in label order, the same for every chart of a report', () => {
    const colors = strategyColors(['b', 'a', 'b', 'c']);
    expect(colors.domain).toEqual(['b', 'a', 'c']);
    expect(colors.range).toEqual(STRATEGY_PALETTE.slice(0, 3));

    const run = faultRun(3);
    const charts = reportCharts({
      dir: 'x', kind: 'run', meshsimVersion: '0.1.0', scenarioName: 's', seed: 1, replications: 3,
      strategies: run.results.map((r) => r.label), run, files: [],
      timeseries: timeseriesRows(timeseriesCsv()), events: eventRows(eventsCsv()),
    });
    expect(charts.map((c) => c.name)).toEqual(['latency-percentiles', 'requests-per-instance', 'fault-timeseries', 'detect-recover-times']);
    const expected = strategyColors(run.results.map((r) => r.label));
    for (const chart of charts) {
      const scales = colorScales(chart.spec);
      expect(scales.length, chart.name).toBeGreaterThan(0);
      for (const scale of scales) expect(scale).toEqual(expected);
    }
  });
});

describe('log axis ticks', () => {
  it('puts round 1-2-5 ticks around the data and widens the domain to them', () => {
    expect(logAxis([16, 110])).toEqual({ domain: [10, 200], values: [10, 20, 50, 100, 200] });
    expect(logAxis([0.3, 4])).toEqual({ domain: [0.2, 5], values: [0.2, 0.5, 1, 2, 5] });
    expect(logAxis([50, 50])).toEqual({ domain: [25, 100], values: [50, 100] });
    expect(logAxis([2, 50_000])!.values).toEqual([1, 10, 100, 1000, 10_000, 100_000]);
    expect(logAxis([0, -1, NaN])).toBeUndefined();
  });
});

describe('latency percentiles per strategy', () => {
  const run = makeRun(5);
  const rows = latencyPercentileRows(run.results);

  it('has a row per strategy and percentile with the mean and its interval', () => {
    expect(rows).toHaveLength(3 * 5);
    const first = run.results[0]!;
    const p99 = rows.find((r) => r.strategy === first.label && r.percentile === 'p99')!;
    expect(p99.mean).toBe(first.metrics.latency.p99);
    expect(p99.halfWidth).toBe(first.ci95['latency.p99']);
    expect(p99.lower).toBeCloseTo(p99.mean - p99.halfWidth, 12);
    expect(p99.upper).toBeCloseTo(p99.mean + p99.halfWidth, 12);
    expect(rows.filter((r) => r.strategy === first.label).map((r) => r.percentile)).toEqual(['p50', 'p90', 'p95', 'p99', 'p99.9']);
  });

  it('draws an interval rule and a point per row on a log latency axis, grouped by strategy', () => {
    const spec = latencyPercentilesSpec(rows, strategyColors(run.results.map((r) => r.label)), context) as any;
    expect(markTypes(spec)).toEqual(['rule', 'point']);
    expect(spec.encoding.x.field).toBe('percentile');
    expect(spec.encoding.xOffset.field).toBe('strategy');
    const [rule, point] = spec.layer;
    expect([rule.encoding.y.field, rule.encoding.y2.field]).toEqual(['lower', 'upper']);
    expect(point.encoding.y.field).toBe('mean');
    expect(point.encoding.y.scale.type).toBe('log');
    expect(point.encoding.y.title).toBe('latency (ms)');
    expect(spec.data.values).toHaveLength(rows.length);
    expect(spec.title.text).toMatch(/Latency percentiles/);
    expect(spec.title.subtitle[0]).toBe('fixture-scenario · seed 42 · 5 replications');
    expect(spec.config.font).toBe('DejaVu Sans');
  });

  it('keeps a non-positive lower bound on the log axis and draws nothing for undefined latency', () => {
    const wide = makeRun(2);
    const r = wide.results[0]!;
    r.ci95['latency.p50'] = 2 * r.metrics.latency.p50;
    r.metrics.latency.p999 = NaN;
    const lower = latencyPercentileRows([r]);
    expect(lower.find((x) => x.percentile === 'p50')!.lower).toBeCloseTo(r.metrics.latency.p50 / 10, 12);
    expect(lower.map((x) => x.percentile)).toEqual(['p50', 'p90', 'p95', 'p99']);
  });
});

describe('latency versus a swept parameter', () => {
  const sweep = sweepFixture(10);
  const data = latencyVsParameterRows(sweep.params, sweep.cells)!;

  it('has p50, p95 and p99 per strategy per load level, in sweep order', () => {
    expect(data.parameter).toBe('arrivals.rate');
    expect(data.numeric).toBe(true);
    expect(data.rows).toHaveLength(10 * 4 * 3);
    const cell = sweep.cells[3]!;
    const result = cell.results[1]!;
    const p99 = data.rows.find((r) => r.x === 380 && r.strategy === result.label && r.panel === 'p99')!;
    expect(p99.mean).toBe(result.metrics.latency.p99);
    expect(p99.halfWidth).toBe(result.ci95['latency.p99']);
  });

  it('draws a CI band, a line and points per strategy, one panel per percentile, log y', () => {
    const spec = latencyVsParameterSpec(data, strategyColors(sweep.strategies), context) as any;
    expect(spec.facet.column.field).toBe('panel');
    expect(spec.facet.column.sort).toEqual(['p50', 'p95', 'p99']);
    expect(spec.facet.row).toBeUndefined();
    expect(markTypes(spec)).toEqual(['area', 'line', 'point']);
    const [band, line] = spec.spec.layer;
    expect([band.encoding.y.field, band.encoding.y2.field]).toEqual(['lower', 'upper']);
    expect(line.encoding.y.field).toBe('mean');
    expect(line.encoding.y.scale.type).toBe('log');
    expect(spec.spec.encoding.x).toMatchObject({ field: 'x', type: 'quantitative', title: 'arrivals.rate (requests/s)' });
    expect(spec.spec.encoding.color.field).toBe('strategy');
  });

  it('puts other varying parameters in rows and reads non-numeric values as ordinal', () => {
    const cells = ['10ms', '50ms'].flatMap((t) =>
      [4, 8].map((n) => ({ params: { timeout: t, 'service.instances': n }, results: makeRun(2).results })),
    );
    const params = [{ path: 'timeout', values: ['10ms', '50ms'] }, { path: 'service.instances', values: [4, 8] }];
    const d = latencyVsParameterRows(params, cells)!;
    expect(d.numeric).toBe(false);
    expect(d.xOrder).toEqual(['10ms', '50ms']);
    expect(d.groups).toEqual(['service.instances=4', 'service.instances=8']);
    const spec = latencyVsParameterSpec(d, strategyColors(['round_robin']), context) as any;
    expect(spec.facet.row.field).toBe('group');
    expect(spec.spec.encoding.x.type).toBe('ordinal');
    // Discrete values: points with interval bars, strategies side by side; no line joins them.
    expect(markTypes(spec)).toEqual(['rule', 'point']);
    expect(spec.spec.encoding.xOffset.field).toBe('strategy');
  });

  it('charts availability and goodput on their own linear axes, shares as per cent', () => {
    const served = parameterRows(sweep.params, sweep.cells, SERVED_PANELS)!;
    expect(served.rows).toHaveLength(10 * 4 * 2);
    const result = sweep.cells[3]!.results[1]!;
    const availability = served.rows.find((r) => r.x === 380 && r.strategy === result.label && r.panel === 'availability (%)')!;
    expect(availability.mean).toBeCloseTo(100 * result.metrics.availability, 12);
    expect(availability.upper).toBeLessThanOrEqual(100);
    const spec = parameterSpec(served, strategyColors(sweep.strategies), context, { title: 'served' }) as any;
    expect(spec.resolve.scale.y).toBe('independent');
    expect(spec.spec.layer[1].encoding.y.scale.type).toBeUndefined();
    expect(markTypes(spec)).toEqual(['area', 'line', 'point']);
  });

  it('has no chart when nothing varies', () => {
    expect(latencyVsParameterRows([{ path: 'arrivals.rate', values: [100] }], [])).toBeUndefined();
  });
});

describe('requests per instance', () => {
  const run = makeRun(4);

  it('has one bar per strategy and instance with its interval and share', () => {
    const rows = requestsPerInstanceRows(run.results);
    expect(rows).toHaveLength(3 * 4);
    const r = run.results[2]!;
    const row = rows.find((x) => x.strategy === r.label && x.instance === 1)!;
    expect(row.requests).toBe(r.metrics.perInstance[1]);
    expect(row.halfWidth).toBe(r.ci95['perInstance.1']);
    const total = r.metrics.perInstance.reduce((a, b) => a + b, 0);
    expect(row.share).toBeCloseTo((100 * r.metrics.perInstance[1]!) / total, 12);
  });

  it('draws bars, CI whiskers and the even share, grouped by strategy', () => {
    const rows = requestsPerInstanceRows(run.results);
    const spec = requestsPerInstanceSpec(rows, strategyColors(run.results.map((r) => r.label)), context) as any;
    expect(markTypes(spec)).toEqual(['bar', 'rule', 'rule']);
    const bars = spec.layer[0];
    expect(bars.encoding.x.field).toBe('instanceLabel');
    expect(bars.encoding.xOffset.field).toBe('strategy');
    expect(bars.layer[0].encoding.y.field).toBe('requests');
    const even = spec.layer[1].data.values[0].evenShare;
    expect(even).toBeCloseTo(rows.reduce((a, r) => a + r.requests, 0) / rows.length, 9);
  });

  it('notes instances the scenario sets apart', () => {
    const scenario = {
      service: {
        instances: 4,
        zone: 'a',
        overrides: [
          { instances: [2, 3], speed: 0.5 },
          { instance: 0, weight: 2 },
          { instance: 3, zone: 'b', speed: 0.25 },
        ],
      },
    };
    const notes = instanceNotes(attributesFromScenario(scenario), 4);
    expect(notes).toEqual([
      ['weight 2', 'zone a'],
      ['weight 1', 'zone a'],
      ['speed 0.5', 'weight 1', 'zone a'],
      ['speed 0.25', 'weight 1', 'zone b'],
    ]);
    expect(instanceNotes(attributesFromScenario({ service: { instances: 2, zone: 'a', overrides: [] } }), 2)).toEqual([[], []]);
    expect(instanceNotes(attributesFromScenario(undefined), 2)).toEqual([[], []]);
    const rows = requestsPerInstanceRows(run.results, notes);
    expect(rows.find((r) => r.instance === 3)!.instanceLabel).toBe('3 · speed 0.25 · weight 1 · zone b');
  });
});

describe('time series around faults', () => {
  const series = timeseriesRows(timeseriesCsv(2));
  const events = eventRows(eventsCsv(2));

  it('recognises fault start and end events', () => {
    for (const kind of ['fault_start', 'fault', 'FAULT-BEGIN']) expect(isFaultStart(kind), kind).toBe(true);
    for (const kind of ['fault_end', 'fault_cleared', 'healed', 'heal']) expect(isFaultEnd(kind), kind).toBe(true);
    for (const kind of ['ejected', 'unhealthy', 'restart']) expect(isFaultStart(kind) || isFaultEnd(kind), kind).toBe(false);
  });

  it('pairs fault events into windows per instance, once for all strategies, open ones to the end', () => {
    expect(faultWindows(events.filter((e) => e.replication === 0), 60_000)).toEqual([
      { start: 20, end: 35, instance: 3, label: 'instance 3: crash' },
    ]);
    expect(faultWindows(events.filter((e) => e.replication === 1), 60_000)).toEqual([
      { start: 20, end: 35, instance: 3, label: 'instance 3: crash' },
      { start: 50, end: 60, instance: 5, label: 'instance 5: hang' },
    ]);
  });

  it('charts the first replication: p99, error rate, ejected/unhealthy and instances up per window', () => {
    const data = faultTimeseriesData(series, events);
    expect(data.replication).toBe(0);
    expect(data.severalReplications).toBe(true);
    expect(data.faultSource).toBe('events');
    expect(data.timeDomain).toEqual([0, 60]);
    const at = (strategy: string, time: number, measure: string) =>
      data.points.find((p) => p.strategy === strategy && p.time === time && p.measure === measure)?.value;
    const row = series.find((r) => r.strategy === 'round_robin' && r.replication === 0 && r.time === 20_000)!;
    expect(at('round_robin', 20, 'errorRate')).toBeCloseTo((100 * (row.errors + row.timeouts)) / row.arrivals, 12);
    expect(at('round_robin', 20, 'p99')).toBe(row.p99);
    expect(at('round_robin', 21, 'p99')).toBeNull(); // no successes in that window: a gap
    expect(at('least_request(choices=2)', 25, 'ejected')).toBe(1);
    expect(at('least_request(choices=2)', 25, 'instancesUp')).toBe(7);
    expect(data.points).toHaveLength(2 * 60 * 5);
  });

  it('stacks four panels on one time axis, each shading the fault windows', () => {
    const data = faultTimeseriesData(series, events);
    const spec = faultTimeseriesSpec(data, strategyColors(['round_robin', 'least_request(choices=2)']), context) as any;
    expect(spec.vconcat).toHaveLength(4);
    expect(spec.datasets.faults).toEqual(data.faults);
    const titles = spec.vconcat.map((panel: any) => panel.layer[1].encoding.y.title);
    expect(titles).toEqual(['p99 latency (ms)', 'errors (% of arrivals)', 'ejected / unhealthy', 'instances up']);
    for (const panel of spec.vconcat) {
      expect(panel.layer[0].mark.type).toBe('rect');
      expect(panel.layer[0].data.name).toBe('faults');
      expect(panel.layer[1].mark).toMatchObject({ type: 'line', interpolate: 'step-after' });
    }
    expect(spec.vconcat[0].layer[1].encoding.y.scale.type).toBe('log');
    expect(spec.vconcat[2].layer[1].encoding.strokeDash.field).toBe('measure');
    expect(spec.vconcat[3].layer[1].encoding.x.title).toBe('simulated time (s)');
  });

  it('falls back to the faults the scenario schedules when events name none', () => {
    const scenario = { faults: [{ kind: 'crash', instance: 3, at: 20_000, for: 15_000 }, { kind: 'zone', zone: 'b', at: 40_000 }] };
    expect(scenarioFaultWindows(scenario, 60_000)).toEqual([
      { start: 20, end: 35, instance: 3, label: 'instance 3: crash' },
      { start: 40, end: 60, instance: -1, label: 'zone b: zone' },
    ]);
    const data = faultTimeseriesData(series, [], scenario);
    expect(data.faultSource).toBe('scenario');
    expect(faultTimeseriesData(series, [], undefined).faultSource).toBe('none');
  });
});

describe('time to detect and to recover', () => {
  const run = faultRun(5);
  const rows = detectRecoverRows(run.results);

  it('has a dot per replication and a mean with its interval, in seconds', () => {
    expect(rows.filter((r) => r.row === 'replication')).toHaveLength(2 * 2 * 5);
    const r = run.results[1]!;
    const mean = rows.find((x) => x.row === 'mean' && x.strategy === r.label && x.measure === 'time to detect')!;
    expect(mean.value).toBeCloseTo((r.metrics as any).detection.meanTimeToDetect / 1000, 12);
    expect(mean.halfWidth).toBeCloseTo(r.ci95['detection.meanTimeToDetect']! / 1000, 12);
    expect(detectRecoverRows(makeRun(3).results)).toEqual([]);
  });

  it('draws interval, dots and mean tick per strategy, one panel per measure', () => {
    const spec = detectRecoverSpec(rows, strategyColors(run.results.map((r) => r.label)), context) as any;
    expect(spec.facet.column.field).toBe('measure');
    expect(markTypes(spec)).toEqual(['rule', 'point', 'tick']);
    expect(spec.spec.encoding.y.field).toBe('strategy');
    expect(spec.spec.layer[1].encoding.x.title).toBe('seconds after the fault began');
  });
});
