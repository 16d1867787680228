import { describe, expect, it } from 'vitest';
import { formatSweepCsv } from '../../src/output/sweep-csv.js';
import { formatSweepJson } from '../../src/output/sweep-json.js';
import { formatSweepInstancesCsv } from '../../src/output/instances-csv.js';
import { mergeShards, type ShardInput } from '../../src/sweep/merge.js';
import { parseSweepJson, SweepFileError } from '../../src/sweep/read-sweep.js';
import { shardCells } from '../../src/sweep/grid.js';
import type { SweepCell, SweepResult } from '../../src/sweep/types.js';
import { makeMetrics, makeReplication, makeStrategy } from '../helpers/metrics-fixture.js';

const params = [{ path: 'arrivals.rate', values: [100, 200, 300, 400, 500] }];

function cell(index: number): SweepCell {
  return {
    index,
    params: { 'arrivals.rate': params[0]!.values[index] },
    instances: [0, 1, 2, 3].map((instance) => ({ instance, speed: instance === 3 ? 0.5 : 1, weight: 1, zone: 'a' })),
    results: [
      makeStrategy('round_robin', [makeReplication(index), makeReplication(index + 1)]),
      // NaN latencies and half-widths: written as null, read back as NaN, written as null again.
      makeStrategy('random', [makeMetrics({ latency: { p99: NaN } }), makeReplication(index, 2)]),
    ],
  };
}

function sweep(shard?: { index: number; count: number }): SweepResult {
  const cells = shardCells(5, shard).map(cell);
  return {
    meshsimVersion: '0.1.0', scenario: 'fixture', seed: 1, replications: 2, params,
    strategies: ['round_robin', 'random'], ...(shard && { shard }), cells,
  };
}

/** A shard as merge reads it: written to text and parsed back. */
function shardInput(shard: { index: number; count: number }, edit: (s: SweepResult) => void = () => {}): ShardInput {
  const s = sweep(shard);
  edit(s);
  return { dir: `shard${shard.index}`, sweep: parseSweepJson(formatSweepJson(s), 'sweep.json'), scenarioText: '{"name":"fixture"}\n' };
}

describe('mergeShards', () => {
  it('gives the unsharded files byte for byte, in any argument order', () => {
    const merged = mergeShards([3, 1, 2].map((index) => shardInput({ index, count: 3 })));
    const whole = sweep();
    expect(formatSweepJson(merged)).toBe(formatSweepJson(whole));
    expect(formatSweepCsv(merged)).toBe(formatSweepCsv(whole));
    expect(formatSweepInstancesCsv(merged)).toBe(formatSweepInstancesCsv(whole));
    expect(formatSweepJson(whole)).toContain('null');
  });

  it('refuses shards of different sweeps, naming what differs', () => {
    const other = shardInput({ index: 2, count: 2 }, (s) => {
      s.seed = 7;
      s.params = [{ path: 'arrivals.rate', values: [100, 200, 300, 400, 600] }];
    });
    expect(() => mergeShards([shardInput({ index: 1, count: 2 }), other])).toThrow(/shard2: seed 7 differs from shard1's 1[\s\S]*shard2: parameters/);
    const scenario = { ...shardInput({ index: 2, count: 2 }), scenarioText: '{"name":"other"}\n' };
    expect(() => mergeShards([shardInput({ index: 1, count: 2 }), scenario])).toThrow(/resolved scenario \(scenario.json\) differs/);
    expect(() => mergeShards([shardInput({ index: 1, count: 2 }), shardInput({ index: 2, count: 3 })])).toThrow(/shard count 3 differs/);
  });

  it('refuses missing, repeated, interrupted or non-shard inputs', () => {
    expect(() => mergeShards([shardInput({ index: 1, count: 3 })])).toThrow(/missing shards 2\/3, 3\/3/);
    expect(() => mergeShards([shardInput({ index: 1, count: 2 }), shardInput({ index: 1, count: 2 })])).toThrow(
      /both shard 1\/2[\s\S]*missing shard 2\/2/,
    );
    const interrupted = shardInput({ index: 2, count: 2 }, (s) => {
      s.cells = s.cells.slice(0, 1);
      s.interrupted = true;
    });
    expect(() => mergeShards([shardInput({ index: 1, count: 2 }), interrupted])).toThrow(/shard 2\/2 was interrupted/);
    const whole = { dir: 'whole', sweep: sweep(), scenarioText: '' };
    expect(() => mergeShards([whole])).toThrow(/whole: not a shard/);
    const wrongCells = shardInput({ index: 2, count: 2 }, (s) => s.cells.pop());
    expect(() => mergeShards([shardInput({ index: 1, count: 2 }), wrongCells])).toThrow(/holds cells \[1\], but shard 2\/2 is cells \[1,3\]/);
  });
});

describe('parseSweepJson', () => {
  it('rejects what is not a sweep result', () => {
    expect(() => parseSweepJson('{', 'x/sweep.json')).toThrow(SweepFileError);
    expect(() => parseSweepJson('{"meshsimVersion":"0.1.0"}', 'x/sweep.json')).toThrow(/x\/sweep.json: not a meshsim sweep result: `scenario`/);
  });
});
