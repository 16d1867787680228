/**
 * The parameter grid of a sweep: the cartesian product of every `--param`'s values, numbered
 * row-major (the first parameter varies slowest, the last fastest, like nested loops in the
 * order the flags were given), and the deterministic slice of it that a shard runs.
 */
import type { ShardSpec, SweepParam } from './types.js';

/** The number of cells: the product of the value counts (1 with no parameter). */
export function gridSize(params: readonly SweepParam[]): number {
  return params.reduce((n, p) => n * p.values.length, 1);
}

/** The index of each parameter's value in cell `index`. */
export function cellCoordinates(params: readonly SweepParam[], index: number): number[] {
  const coordinates = new Array<number>(params.length);
  let rest = index;
  for (let i = params.length - 1; i >= 0; i--) {
    const n = params[i]!.values.length;
    coordinates[i] = rest % n;
    rest = Math.floor(rest / n);
  }
  return coordinates;
}

/** The value of every parameter in cell `index`, keyed by path. */
export function cellParams(params: readonly SweepParam[], index: number): Record<string, unknown> {
  const coordinates = cellCoordinates(params, index);
  const out: Record<string, unknown> = {};
  params.forEach((p, i) => {
    // defineProperty: a path such as `__proto__` must stay a plain key (the loader rejects it
    // anyway, but the grid must not be the place that misbehaves).
    Object.defineProperty(out, p.path, { value: p.values[coordinates[i]!], enumerable: true, writable: true, configurable: true });
  });
  return out;
}

/** Whether cell `index` belongs to `shard` (every cell belongs to the whole run). */
export function inShard(index: number, shard: ShardSpec | undefined): boolean {
  return shard === undefined || index % shard.count === shard.index - 1;
}

/** The cell indices a run (or shard) covers, ascending. */
export function shardCells(size: number, shard: ShardSpec | undefined): number[] {
  const cells: number[] = [];
  for (let i = 0; i < size; i++) if (inShard(i, shard)) cells.push(i);
  return cells;
}
