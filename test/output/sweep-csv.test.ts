import { describe, expect, it } from 'vitest';
import { formatSweepCsv } from '../../src/output/sweep-csv.js';
import type { SweepResult } from '../../src/sweep/types.js';
import { makeRun } from '../helpers/metrics-fixture.js';

describe('sweep.csv', () => {
  it('has one row per cell and strategy: params, strategy, metric means, then half-widths', () => {
    const run = makeRun(3, ['round_robin', 'random']);
    const sweep: SweepResult = {
      meshsimVersion: '0.1.0', scenario: 's', seed: 1, replications: 3,
      params: [{ path: 'arrivals.rate', values: [100, 200] }, { path: 'timeout', values: ['250ms'] }],
      strategies: ['round_robin', 'random'],
      cells: [0, 1].map((index) => ({
        index,
        params: { 'arrivals.rate': [100, 200][index], timeout: '250ms' },
        instances: [],
        results: run.results,
      })),
    };
    const lines = formatSweepCsv(sweep).trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 6)).toEqual(['cell', 'arrivals.rate', 'timeout', 'balancer', 'label', 'T']);
    expect(header).toContain('latency.p99');
    expect(header).toContain('ci95.latency.p99');
    expect(header.indexOf('ci95.T')).toBeGreaterThan(header.indexOf('simulatedTime'));
    expect(lines).toHaveLength(1 + 2 * 2);
    const row = lines[3]!.split(',');
    expect(row.slice(0, 5)).toEqual(['1', '200', '250ms', 'round_robin', 'round_robin']);
    const p99 = header.indexOf('latency.p99');
    expect(Number(row[p99])).toBe(run.results[0]!.metrics.latency.p99);
    expect(Number(row[header.indexOf('ci95.latency.p99')])).toBe(run.results[0]!.ci95['latency.p99']);
  });
});
