import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../src/analysis/types.js';
import {
  formatCount,
  formatSignificant,
  formatTable,
  formatWithCi,
  TABLE_WIDTH,
} from '../../src/output/table.js';
import { DEFAULT_LABELS, makeMetrics, makeRun, makeStrategy } from '../helpers/metrics-fixture.js';

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

function maxLineWidth(text: string): number {
  return Math.max(...text.split('\n').map((line) => [...stripAnsi(line)].length));
}

describe('formatTable', () => {
  it('renders one replication: every label, no confidence intervals', () => {
    const text = formatTable(makeRun(1));
    for (const label of DEFAULT_LABELS) expect(text).toContain(label);
    expect(text).toContain('scenario fixture-scenario');
    expect(text).toContain('seed 42');
    expect(text).toContain('1 replication');
    expect(text).not.toContain('±');
    expect(maxLineWidth(text)).toBeLessThanOrEqual(TABLE_WIDTH);
  });

  it('renders five replications with ± half-widths, split into blocks to fit: requests, load, latency', () => {
    const text = formatTable(makeRun(5));
    for (const label of DEFAULT_LABELS) expect(text).toContain(label);
    expect(text).toContain('5 replications');
    expect(text).toContain('±');
    expect(maxLineWidth(text)).toBeLessThanOrEqual(TABLE_WIDTH);
    // Three stacked blocks, each with its own header and every strategy.
    expect(text.match(/^strategy/gm)).toHaveLength(3);
    for (const label of DEFAULT_LABELS) {
      expect(text.split(label).length - 1).toBe(3);
    }
    expect(text).toMatch(/^strategy\s+L\s+ρ\s+ρ max\s+max\/mean\s+CoV$/m);
    expect(text).toContain('offered 100 requests/s');
    expect(text).toContain('goodput/s');
    expect(text).not.toContain('throughput');
    expect(text).toContain('p95 ms');
    expect(text).toContain('p99.9 ms');
    expect(text).toContain('CoV');
  });

  it('aligns columns: every row of a block has the header width', () => {
    const text = formatTable(makeRun(1));
    const lines = text.split('\n');
    const header = lines.findIndex((line) => line.startsWith('strategy'));
    const rule = lines[header + 1]!;
    for (const row of lines.slice(header + 2, header + 2 + DEFAULT_LABELS.length)) {
      // Right-aligned last column: rows end exactly where the rule does.
      expect([...row].length).toBe(rule.length);
    }
  });

  it('adds ANSI emphasis only on request, without shifting columns', () => {
    const run = makeRun(5);
    const plain = formatTable(run);
    const colored = formatTable(run, { color: true });
    expect(plain).not.toContain('\x1b[');
    expect(colored).toContain('\x1b[');
    expect(stripAnsi(colored)).toBe(plain);
  });

  it('prints NaN as n/a', () => {
    const reps = [makeMetrics({ latency: { p99: NaN } })];
    const run: RunResult = { ...makeRun(1), results: [makeStrategy('random', reps)] };
    expect(formatTable(run)).toContain('n/a');
  });

  it('handles a run without results', () => {
    expect(formatTable({ ...makeRun(1), results: [] })).toContain('(no results)');
  });
});

describe('number formatting', () => {
  it('formatSignificant', () => {
    expect(formatSignificant(12.3456, 4)).toBe('12.35');
    expect(formatSignificant(0.012345, 3)).toBe('0.0123');
    expect(formatSignificant(123456.7, 4)).toBe('123457');
    expect(formatSignificant(0, 4)).toBe('0');
    expect(formatSignificant(1.5e-7, 2)).toBe('1.5e-7');
    expect(formatSignificant(8, 4)).toBe('8');
    expect(formatSignificant(12.5, 4)).toBe('12.5');
    expect(formatSignificant(100, 4)).toBe('100');
    expect(formatSignificant(10.05, 4)).toBe('10.05');
    expect(formatSignificant(NaN, 4)).toBe('n/a');
    expect(formatSignificant(Infinity, 4)).toBe('∞');
  });

  it('formatWithCi rounds the mean to the resolution of its half-width', () => {
    expect(formatWithCi(12.3456, 2.04)).toBe('12.3 ± 2.0');
    expect(formatWithCi(123.456, 14.2)).toBe('123 ± 14');
    expect(formatWithCi(0.012345, 0.00123)).toBe('0.0123 ± 0.0012');
    expect(formatWithCi(5, 0)).toBe('5 ± 0');
    expect(formatWithCi(5, NaN)).toBe('5');
    expect(formatWithCi(NaN, NaN)).toBe('n/a');
  });

  it('formatCount', () => {
    expect(formatCount(1000)).toBe('1000');
    expect(formatCount(12.34)).toBe('12.3');
    expect(formatCount(123456.7)).toBe('123457');
  });
});

describe('formatTable, faults', () => {
  it('adds a detection and recovery block when a strategy met a fault', () => {
    const faulty = makeMetrics({
      detection: { faults: 2, meanTimeToDetect: 1500, maxTimeToDetect: 2500, missed: 0, falsePositives: 1 },
      recovery: {
        recoveredRequests: 3,
        requestsMeetingFailure: 4,
        meanTimeToRecover: 64_700,
        maxTimeToRecover: 70_000,
        unrecovered: 0,
        incidents: 2,
        serviceTimeToRecover: 80_000,
        serviceUnrecovered: 0,
        restarts: 1,
      },
    });
    const run = { ...makeRun(1), results: [makeStrategy('round_robin', [faulty])] };
    const text = formatTable(run);
    expect(text).toMatch(/faults\s+detect s\s+max s\s+missed\s+false\+\s+recover s\s+SLO back s\s+restarts/);
    expect(text).toMatch(/round_robin\s+2\s+1\.5\s+2\.5\s+0\s+1\s+64\.7\s+80\s+1/);
    expect(formatTable(makeRun(1))).not.toMatch(/detect s/);
  });
});
