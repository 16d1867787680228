import { describe, expect, it } from 'vitest';
import { metricPaths } from '../../src/analysis/summarize.js';
import type { RunResult } from '../../src/analysis/types.js';
import { formatSummaryCsv } from '../../src/output/summary-csv.js';
import { makeMetrics, makeRun, makeStrategy } from '../helpers/metrics-fixture.js';

/** Splits CSV text into cells; enough for fixtures whose only quoted cells hold no newline. */
function parseCsv(text: string): string[][] {
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted) {
          if (ch === '"' && line[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else cell += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') {
          cells.push(cell);
          cell = '';
        } else cell += ch;
      }
      cells.push(cell);
      return cells;
    });
}

describe('formatSummaryCsv', () => {
  it('has the key columns, then the metric paths, then their ci95 columns', () => {
    const run = makeRun(3);
    const [header] = parseCsv(formatSummaryCsv(run));
    const paths = metricPaths(run.results[0]!.metrics);
    expect(header).toEqual([
      'scenario',
      'seed',
      'balancer',
      'label',
      'replication',
      ...paths,
      ...paths.map((p) => `ci95.${p}`),
    ]);
  });

  it('has one row per (balancer, replication) and one mean row per balancer', () => {
    for (const replications of [1, 5]) {
      const run = makeRun(replications);
      const rows = parseCsv(formatSummaryCsv(run));
      expect(rows).toHaveLength(1 + run.results.length * (replications + 1));
      const header = rows[0]!;
      for (const row of rows) expect(row).toHaveLength(header.length);
      const replicationColumn = rows.slice(1).map((row) => row[4]);
      const perStrategy = [...Array.from({ length: replications }, (_, i) => String(i)), 'mean'];
      expect(replicationColumn).toEqual(run.results.flatMap(() => perStrategy));
    }
  });

  it('fills ci95 cells on mean rows only, and only with several replications', () => {
    const column = (rows: string[][], name: string) => rows[0]!.indexOf(name);
    const five = parseCsv(formatSummaryCsv(makeRun(5)));
    const ci = column(five, 'ci95.latency.p99');
    const p99 = column(five, 'latency.p99');
    const mean = five.find((row) => row[4] === 'mean')!;
    const first = five.find((row) => row[4] === '0')!;
    expect(Number(mean[ci])).toBeGreaterThan(0);
    expect(first[ci]).toBe('');
    expect(Number(first[p99])).toBeGreaterThan(0);
    const one = parseCsv(formatSummaryCsv(makeRun(1)));
    const meanOfOne = one.find((row) => row[4] === 'mean')!;
    expect(meanOfOne[column(one, 'ci95.latency.p99')]).toBe('');
  });

  it('writes numbers exactly, NaN as an empty cell, and quotes labels when needed', () => {
    const reps = [
      makeMetrics({ latency: { mean: NaN }, goodput: 0.1 + 0.2 }),
      makeMetrics({ latency: { mean: NaN }, goodput: 0.1 + 0.2 }),
    ];
    const run: RunResult = {
      ...makeRun(2),
      results: [makeStrategy('weighted(a=1, b="2")', reps, 'weighted')],
    };
    const text = formatSummaryCsv(run);
    expect(text).not.toContain('\r');
    expect(text.endsWith('\n')).toBe(true);
    const rows = parseCsv(text);
    const header = rows[0]!;
    const row = rows[1]!;
    expect(row[3]).toBe('weighted(a=1, b="2")');
    expect(row[header.indexOf('latency.mean')]).toBe('');
    expect(row[header.indexOf('goodput')]).toBe('0.30000000000000004');
    expect(rows[3]![header.indexOf('ci95.latency.mean')]).toBe('');
  });

  it('is byte-stable', () => {
    expect(formatSummaryCsv(makeRun(3))).toBe(formatSummaryCsv(makeRun(3)));
  });
});
