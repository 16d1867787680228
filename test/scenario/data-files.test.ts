import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.js';
import { MINIMAL_YAML, errorLines, writeScenario } from './helpers.js';

const fixtures = join(import.meta.dirname, 'fixtures');

/** MINIMAL_YAML with trace arrivals (line 4) read from `spec`. */
function traceScenario(spec: string, files: Record<string, string>): string {
  return writeScenario(MINIMAL_YAML.replace('arrivals: { kind: poisson, rate: 100 }', `arrivals: { kind: trace, ${spec} }`), files);
}

/** MINIMAL_YAML with empirical service times (line 7) read from `spec`. */
function empiricalScenario(spec: string, files: Record<string, string>): string {
  return writeScenario(
    MINIMAL_YAML.replace('serviceTime: { dist: exponential, mean: 10ms }', `serviceTime: { dist: empirical, ${spec} }`),
    files,
  );
}

const dirOf = (file: string): string => join(file, '..');

describe('data files', () => {
  it('reads trace timestamps and empirical samples into the scenario, in ms, keeping `file`', () => {
    const { scenario } = loadScenarioFile(join(fixtures, 'trace.yaml'));
    expect(scenario.arrivals).toEqual({
      kind: 'trace',
      file: 'data/arrivals.csv',
      column: 'ts',
      unit: 's',
      // header row, comment and blank line skipped; equal timestamps are allowed
      times: [500, 750, 750, 2000],
    });
    expect(scenario.service.serviceTime).toEqual({
      dist: 'empirical',
      file: 'data/service-times.csv',
      column: 1,
      unit: 'us',
      values: [1.5, 0.25, 4], // the quoted "4000" too
    });
    expect(scenario.network?.latency).toEqual({ dist: 'empirical', file: 'data/latency.csv', unit: 'ms', values: [0.2, 0.3, 0.25] });
  });

  it('default column is the first; trace unit defaults to seconds; CRLF and a BOM are fine', () => {
    const file = traceScenario('file: t.csv', { 't.csv': '\uFEFFtime,other\r\n1,x\r\n2.5,y\r\n' });
    expect(loadScenarioFile(file).scenario.arrivals).toMatchObject({ times: [1000, 2500] });
  });

  it('missing data file: points at the `file` key of the scenario', () => {
    const file = traceScenario('file: nope.csv', {});
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:4:32: arrivals.file: expected an existing CSV file, found no file at ${join(dirOf(file), 'nope.csv')}`,
    ]);
  });

  it('a directory where a data file belongs', () => {
    const file = empiricalScenario('file: .', {});
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:7:41: service.serviceTime.file: expected a CSV file, found a directory at ${join(dirOf(file), '.')}`,
    ]);
  });

  it('a data file named by --set is blamed on the --set', () => {
    const file = traceScenario('file: t.csv', { 't.csv': '1\n' });
    expect(errorLines(() => loadScenarioFile(file, { set: ['arrivals.file=other.csv'] }))).toEqual([
      `--set arrivals.file=other.csv: arrivals.file: expected an existing CSV file, found no file at ${join(dirOf(file), 'other.csv')}`,
    ]);
  });

  it('empty trace file, and a file with only a header', () => {
    const file = traceScenario('file: empty.csv', { 'empty.csv': '' });
    const csv = join(dirOf(file), 'empty.csv');
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${csv}:1:1: arrivals.file: expected a CSV file with at least one number, found no rows (only blank or # comment lines)`,
    ]);
    const header = traceScenario('file: h.csv', { 'h.csv': '# recorded 2026-01-01\ntime\n\n' });
    expect(errorLines(() => loadScenarioFile(header))).toEqual([
      `${join(dirOf(header), 'h.csv')}:2:1: arrivals.file: expected at least one number below the header, found no data rows`,
    ]);
  });

  it('malformed numbers: every bad line of the CSV, with its line number', () => {
    const file = empiricalScenario('file: s.csv', { 's.csv': '0.5\n1.2x\n\n# comment\n2\n\n1e3\n0x10\n' });
    const csv = join(dirOf(file), 's.csv');
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${csv}:2:1: service.serviceTime.file: expected a number, found "1.2x"`,
      `${csv}:8:1: service.serviceTime.file: expected a number, found "0x10"`,
    ]);
  });

  it('malformed numbers in a named column, too few columns, negative samples', () => {
    const file = empiricalScenario('file: s.csv, column: latency', { 's.csv': 'id,latency\n1,0.5\n2,abc\n3\n4,-1\n' });
    const csv = join(dirOf(file), 's.csv');
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${csv}:3:3: service.serviceTime.file: expected a number in column "latency", found "abc"`,
      `${csv}:4:2: service.serviceTime.file: expected at least 2 columns, found 1`,
    ]);
    const negative = empiricalScenario('file: s.csv', { 's.csv': '1\n-2\n' });
    expect(errorLines(() => loadScenarioFile(negative))).toEqual([
      `${join(dirOf(negative), 's.csv')}:2:1: service.serviceTime.file: expected a non-negative finite time, found -2`,
    ]);
  });

  it('unknown column name, with a suggestion', () => {
    const file = empiricalScenario('file: s.csv, column: latncy', { 's.csv': 'id,latency\n1,0.5\n' });
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${join(dirOf(file), 's.csv')}:1:1: service.serviceTime.file: expected a column named "latncy" in the header row, found "id", "latency"; did you mean "latency"?`,
    ]);
  });

  it('trace timestamps must not go backwards', () => {
    const file = traceScenario('file: t.csv, unit: ms', { 't.csv': 'ts\n1\n2\n1.5\n3\n' });
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${join(dirOf(file), 't.csv')}:4:1: arrivals.file: expected timestamps in non-decreasing order, found 1.5 after 2 (line 3)`,
    ]);
  });

  it('inline trace times are checked the same way', () => {
    const file = traceScenario('times: [0, 5, 3]', {});
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:4:40: arrivals.times.2: expected a timestamp no earlier than the one before it (5), found 3`,
    ]);
  });

  it('a file full of bad lines reports the first ten and a count', () => {
    const bad = Array.from({ length: 25 }, (_, i) => `x${i}`).join('\n');
    const file = traceScenario('file: t.csv', { 't.csv': `1\n${bad}\n` });
    const lines = errorLines(() => loadScenarioFile(file));
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(`${join(dirOf(file), 't.csv')}:2:1: arrivals.file: expected a number, found "x0"`);
    expect(lines[10]).toBe(`${join(dirOf(file), 't.csv')}:12:1: arrivals.file: … and 15 more bad lines from here on`);
  });

  it('an empty file or one of comments only, with a column named (once an internal error)', () => {
    const file = traceScenario('file: t.csv, column: ts', { 't.csv': '# nothing yet\n\n' });
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${join(dirOf(file), 't.csv')}:1:1: arrivals.file: expected a CSV file with at least one number, found no rows (only blank or # comment lines)`,
    ]);
  });

  it('a data file that is not UTF-8, at the offending byte', () => {
    const file = empiricalScenario('file: s.csv', {});
    writeFileSync(join(dirOf(file), 's.csv'), Buffer.from([0x31, 0x0a, 0x32, 0xb5, 0x0a]));
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${join(dirOf(file), 's.csv')}:2:2: service.serviceTime.file: expected UTF-8 text, found the bytes B5 0A; save the file as UTF-8 (it may be Latin-1 or Windows-1252)`,
    ]);
  });

  it('inline data beside `file` must be what the file holds', () => {
    const agree = traceScenario('file: t.csv, unit: ms, times: [1, 2]', { 't.csv': '1\n2\n' });
    expect(loadScenarioFile(agree).scenario.arrivals).toMatchObject({ times: [1, 2] });
    const differ = empiricalScenario('file: s.csv, values: [1, 3]', { 's.csv': '1\n2\n' });
    expect(errorLines(() => loadScenarioFile(differ))).toEqual([
      `${differ}:7:48: service.serviceTime.values: expected the values of ${join(dirOf(differ), 's.csv')} ` +
        '(give either `file` or `values`), found 3 ms at values.1 where line 2 holds 2 ms',
    ]);
    const longer = traceScenario('file: t.csv, unit: ms, times: [1, 2, 3]', { 't.csv': '1\n2\n' });
    expect(errorLines(() => loadScenarioFile(longer))).toEqual([
      `${longer}:4:49: arrivals.times: expected the 2 values of ${join(dirOf(longer), 't.csv')} (give either \`file\` or \`times\`), found 3`,
    ]);
  });

  it('inline data beside a file that is gone is used, with a warning (a scenario.json moved elsewhere)', () => {
    const file = traceScenario('file: gone.csv, times: [1, 2]', {});
    const { scenario, warnings } = loadScenarioFile(file);
    expect(scenario.arrivals).toMatchObject({ times: [1, 2] });
    expect(warnings[0]).toBe(
      `arrivals.file: expected an existing CSV file, found no file at ${join(dirOf(file), 'gone.csv')}; using the inline \`times\``,
    );
  });

  it('`column` without `file` is refused rather than ignored', () => {
    const file = empiricalScenario('values: [1, 2], column: 3', {});
    expect(errorLines(() => loadScenarioFile(file))).toEqual([
      `${file}:7:59: service.serviceTime.column: expected a \`column\` only together with \`file\`, whose column it names, found 3`,
    ]);
  });
});

