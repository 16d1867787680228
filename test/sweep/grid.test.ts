import { describe, expect, it } from 'vitest';
import { cellCoordinates, cellParams, gridSize, inShard, shardCells } from '../../src/sweep/grid.js';

const params = [
  { path: 'arrivals.rate', values: [100, 200] },
  { path: 'service.instances', values: [4, 8, 16] },
];

describe('the sweep grid', () => {
  it('is the cartesian product, the last parameter varying fastest', () => {
    expect(gridSize(params)).toBe(6);
    expect(Array.from({ length: 6 }, (_, i) => cellCoordinates(params, i))).toEqual([
      [0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2],
    ]);
    expect(cellParams(params, 4)).toEqual({ 'arrivals.rate': 200, 'service.instances': 8 });
    expect(Object.keys(cellParams(params, 4))).toEqual(['arrivals.rate', 'service.instances']);
  });

  it('has one cell without parameters', () => {
    expect(gridSize([])).toBe(1);
    expect(cellParams([], 0)).toEqual({});
  });

  it('splits into shards that partition the cells by index mod N', () => {
    const shards = [1, 2, 3, 4].map((index) => shardCells(10, { index, count: 4 }));
    expect(shards).toEqual([[0, 4, 8], [1, 5, 9], [2, 6], [3, 7]]);
    expect(shards.flat().sort((a, b) => a - b)).toEqual(shardCells(10, undefined));
    expect(inShard(5, { index: 2, count: 4 })).toBe(true);
    expect(inShard(5, undefined)).toBe(true);
  });
});
