import { describe, expect, it } from 'vitest';
import { formatInstancesCsv, formatSweepInstancesCsv } from '../../src/output/instances-csv.js';
import type { SweepResult } from '../../src/sweep/types.js';
import { makeRun } from '../helpers/metrics-fixture.js';

const instances = [0, 1, 2, 3].map((instance) => ({ instance, speed: instance === 3 ? 0.5 : 1, weight: 1, zone: 'z,1' }));

describe('instances.csv', () => {
  it('has one row per strategy, replication and instance', () => {
    const text = formatInstancesCsv(makeRun(2, ['round_robin', 'random']), instances);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('strategy,replication,instance,served,speed,weight,zone');
    expect(lines).toHaveLength(1 + 2 * 2 * 4);
    // makeReplication(0): perInstance [238, 252, 260, 236]; a zone with a comma is quoted.
    expect(lines[1]).toBe('round_robin,0,0,238,1,1,"z,1"');
    expect(lines[4]).toBe('round_robin,0,3,236,0.5,1,"z,1"');
    expect(lines[9]).toMatch(/^random,0,0,/);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('puts the cell and its swept values first in a sweep', () => {
    const run = makeRun(1, ['random']);
    const sweep: SweepResult = {
      meshsimVersion: '0.1.0', scenario: 's', seed: 1, replications: 1,
      params: [{ path: 'balancer', values: [{ kind: 'random' }] }],
      strategies: ['random'],
      cells: [{ index: 0, params: { balancer: { kind: 'random' } }, instances, results: run.results }],
    };
    const lines = formatSweepInstancesCsv(sweep).trimEnd().split('\n');
    expect(lines[0]).toBe('cell,param.balancer,strategy,replication,instance,served,speed,weight,zone');
    expect(lines[1]).toBe('0,"{""kind"":""random""}",random,0,0,238,1,1,"z,1"');
  });

  it('a sweep cell with more rows than a call takes arguments (once a stack overflow)', () => {
    const wide = Array.from({ length: 135_000 }, (_, instance) => ({ instance, speed: 1, weight: 1, zone: 'z' }));
    const result = { ...makeRun(1, ['random']).results[0]!, replicationMetrics: [{ ...makeRun(1, ['random']).results[0]!.replicationMetrics[0]!, perInstance: wide.map(() => 3) }] };
    const sweep: SweepResult = {
      meshsimVersion: '0.1.0', scenario: 's', seed: 1, replications: 1, params: [], strategies: ['random'],
      cells: [{ index: 0, params: {}, instances: wide, results: [result] }],
    };
    const lines = formatSweepInstancesCsv(sweep).trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 135_000);
    expect(lines[135_000]).toBe('0,random,0,134999,3,1,1,z');
  });
});

