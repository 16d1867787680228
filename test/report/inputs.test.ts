/**
 * Reading results folders: what is there decides what the report shows, and a folder that is
 * not meshsim's gets a clear error instead of a stack trace.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getMetric } from '../../src/analysis/metric-paths.js';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { numberCell, parseCsv, parseCsvRows } from '../../src/report/csv.js';
import { ReportInputError, readReportInputs } from '../../src/report/inputs.js';
import { makeRun } from '../helpers/metrics-fixture.js';
import { resultFolder } from '../helpers/result-folder.js';
import { eventsCsv, sweepFixture, timeseriesCsv } from './fixtures.js';

function folder(files: Record<string, string>): string {
  return resultFolder(files, 'meshsim-report-in-');
}

describe('CSV', () => {
  it('reads quoted fields, doubled quotes, CRLF and a missing final line break', () => {
    expect(parseCsvRows('a,b\r\n"x, y","say ""hi"""\n1,\n2,3')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['1', ''],
      ['2', '3'],
    ]);
    expect(parseCsv('time,kind\n5,fault_start\n\n').records).toEqual([{ time: '5', kind: 'fault_start' }]);
    expect(parseCsv('\uFEFFa\n1\n').header).toEqual(['a']);
    expect(numberCell('')).toBeNaN();
    expect(numberCell('2.5')).toBe(2.5);
  });
});

describe('reading a results folder', () => {
  it('a run: summary.json, scenario.json, instances.csv, time series and events', () => {
    const run = makeRun(3);
    const dir = folder({
      'summary.json': formatSummaryJson(run),
      'scenario.json': JSON.stringify({ name: 'fixture-scenario', service: { instances: 4 } }),
      'instances.csv': 'strategy,replication,instance,served,speed,weight,zone\nrr,0,0,10,1,2,a\nrr,0,1,10,0.5,1,b\nrr,1,0,11,1,2,a\n',
      'timeseries.csv': timeseriesCsv(1),
      'events.csv': eventsCsv(1),
    });
    const inputs = readReportInputs(dir);
    expect(inputs.kind).toBe('run');
    expect(inputs.scenarioName).toBe('fixture-scenario');
    expect(inputs.seed).toBe(42);
    expect(inputs.replications).toBe(3);
    expect(inputs.meshsimVersion).toBe('0.1.0');
    expect(inputs.strategies).toEqual(run.results.map((r) => r.label));
    expect(inputs.files).toEqual(['summary.json', 'scenario.json', 'instances.csv', 'timeseries.csv', 'events.csv']);
    expect(inputs.instances).toEqual([
      { instance: 0, speed: 1, weight: 2, zone: 'a' },
      { instance: 1, speed: 0.5, weight: 1, zone: 'b' },
    ]);
    expect(inputs.timeseries).toHaveLength(2 * 60);
    expect(inputs.timeseries![0]).toMatchObject({ strategy: 'round_robin', replication: 0, time: 0, instancesUp: 8 });
    expect(inputs.events!.find((e) => e.kind === 'fault_start')).toMatchObject({ time: 20_000, instance: 3, cause: 'crash' });
  });

  it('reads NaN, written as null, back as NaN through getMetric', () => {
    const run = makeRun(2);
    run.results[0]!.metrics.latency.p99 = NaN;
    const inputs = readReportInputs(folder({ 'summary.json': formatSummaryJson(run) }));
    expect(getMetric(inputs.run!.results[0]!.metrics, 'latency.p99')).toBeNaN();
  });

  it('files without a strategy column belong to the run’s one strategy', () => {
    const run = makeRun(2, ['least_request(choices=2)']);
    const dir = folder({
      'summary.json': formatSummaryJson(run),
      'timeseries.csv': 'time,arrivals,successes,errors,timeouts,p50,p99,ejected,unhealthy,instancesUp\n0,10,10,0,0,1,2,0,0,4\n',
    });
    expect(readReportInputs(dir).timeseries![0]).toMatchObject({ strategy: 'least_request(choices=2)', replication: 0, p99: 2 });
  });

  it('a compare: comparison.json as an object with rows, or as a bare array', () => {
    const run = makeRun(3);
    const row = { label: 'random', baseline: 'round_robin', metric: 'latency.p99', mean: 60, baselineMean: 45, difference: 15, ci95: 2, relativeDifference: 0.333, verdict: 'round_robin better' };
    for (const comparison of [{ baseline: 'round_robin', rows: [row] }, [row]]) {
      const inputs = readReportInputs(folder({ 'summary.json': formatSummaryJson(run), 'comparison.json': JSON.stringify(comparison) }));
      expect(inputs.kind).toBe('compare');
      // A file from before caveats reads as having none.
      expect(inputs.comparison).toEqual([{ ...row, caveat: '' }]);
    }
  });

  it('a sweep: sweep.json and no summary.json', () => {
    const sweep = sweepFixture(3, ['a', 'b']);
    const inputs = readReportInputs(folder({ 'sweep.json': JSON.stringify(sweep) }));
    expect(inputs.kind).toBe('sweep');
    expect(inputs.strategies).toEqual(['a', 'b']);
    expect(inputs.sweep!.cells).toHaveLength(3);
    expect(inputs.scenarioName).toBe('quickstart');
    expect(inputs.run).toBeUndefined();
  });

  const bad: Array<[string, () => string, RegExp]> = [
    ['no such folder', () => '/nonexistent/meshsim-results', /\/nonexistent\/meshsim-results: no such folder/],
    ['a file, not a folder', () => join(folder({ 'x.txt': '' }), 'x.txt'), /x\.txt: not a folder/],
    ['an empty folder', () => folder({}), /no meshsim results here \(expected summary\.json or sweep\.json/],
    ['summary.json that is not JSON', () => folder({ 'summary.json': '{ nope' }), /summary\.json: not valid JSON/],
    ['summary.json of something else', () => folder({ 'summary.json': '{"name": 1}' }), /summary\.json: not a meshsim summary/],
    ['a result without metrics', () => folder({ 'summary.json': '{"results": [{"label": "x"}]}' }), /summary\.json: results\.0: expected/],
    ['sweep.json without cells', () => folder({ 'sweep.json': '{"params": []}' }), /sweep\.json: not a meshsim sweep/],
    ['timeseries.csv without time', () => folder({ 'summary.json': formatSummaryJson(makeRun(1)), 'timeseries.csv': 'a,b\n1,2\n' }), /timeseries\.csv: expected a `time` column, found a, b/],
  ];
  for (const [name, make, message] of bad) {
    it(`rejects ${name}`, () => {
      const dir = make();
      expect(() => readReportInputs(dir)).toThrow(ReportInputError);
      expect(() => readReportInputs(dir)).toThrow(message);
    });
  }

  it('ignores unrelated files and subfolders', () => {
    const dir = folder({ 'summary.json': formatSummaryJson(makeRun(1)), 'notes.txt': 'hi' });
    mkdirSync(join(dir, 'report'));
    expect(readReportInputs(dir).files).toEqual(['summary.json']);
  });

  it('reads only the files of the result: a stray events.csv of another run is not drawn', () => {
    const dir = folder({ 'summary.json': formatSummaryJson(makeRun(1)) });
    writeFileSync(join(dir, 'events.csv'), eventsCsv());
    const inputs = readReportInputs(dir);
    expect(inputs.files).toEqual(['summary.json']);
    expect(inputs.events).toBeUndefined();
  });

  const unfinished: Array<[string, () => string, RegExp]> = [
    [
      'files without a manifest (a run stopped while writing, or written by hand)',
      () => {
        const dir = mkdtempSync(join(tmpdir(), 'meshsim-report-in-'));
        writeFileSync(join(dir, 'summary.json'), formatSummaryJson(makeRun(1)));
        return dir;
      },
      /: not a finished meshsim result \(no meshsim-result\.json\)/,
    ],
    [
      'a file changed since it was written',
      () => {
        const dir = folder({ 'summary.json': formatSummaryJson(makeRun(1)) });
        writeFileSync(join(dir, 'summary.json'), formatSummaryJson(makeRun(2)));
        return dir;
      },
      /: summary\.json is not the file meshsim wrote \(its size or checksum differs from meshsim-result\.json\)/,
    ],
    ['a result without strategies', () => folder({ 'summary.json': '{"results": []}' }), /summary\.json: no strategy results to report/],
    [
      'a sweep interrupted before any cell finished',
      () => folder({ 'sweep.json': JSON.stringify({ ...sweepFixture(), cells: [], interrupted: true }) }),
      /sweep\.json: no finished cells to report \(the sweep was interrupted before any cell finished\)/,
    ],
  ];
  for (const [name, make, message] of unfinished) {
    it(`refuses ${name}`, () => {
      const dir = make();
      expect(() => readReportInputs(dir)).toThrow(ReportInputError);
      expect(() => readReportInputs(dir)).toThrow(message);
    });
  }
});
