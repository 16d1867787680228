import { describe, expect, it } from 'vitest';
import { formatSweepInstancesCsv } from '../../src/output/instances-csv.js';
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

  it('an interrupted sweep says so in its CSV files too: a first column `interrupted` on every row', () => {
    const run = makeRun(1, ['random']);
    const sweep: SweepResult = {
      meshsimVersion: '0.1.0', scenario: 's', seed: 1, replications: 1,
      params: [{ path: 'arrivals.rate', values: [100, 200] }],
      strategies: ['random'],
      interrupted: true,
      finishedCells: [1],
      cells: [{ index: 1, params: { 'arrivals.rate': 200 }, instances: [{ instance: 0, speed: 1, weight: 1, zone: 'z' }], results: run.results }],
    };
    const lines = formatSweepCsv(sweep).trimEnd().split('\n');
    expect(lines[0]!.split(',').slice(0, 3)).toEqual(['interrupted', 'cell', 'arrivals.rate']);
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3))).toEqual([['true', '1', '200']]);
    const instances = formatSweepInstancesCsv(sweep).trimEnd().split('\n');
    expect(instances[0]).toBe('interrupted,cell,arrivals.rate,strategy,replication,instance,served,speed,weight,zone');
    expect(instances[1]).toMatch(/^true,1,200,random,0,0,/);
  });
});

