/**
 * The result of `meshsim sweep`: what sweep.json holds and `meshsim merge` reads back.
 */
import type { StrategyResult } from '../analysis/types.js';
import type { InstanceAttributes } from '../scenario/instance-attributes.js';

/** One swept scenario path and its values, as parsed from `--param PATH=V1,V2,…`. */
export interface SweepParam {
  /** A dotted scenario path, as `--set` takes it (`arrivals.rate`). */
  path: string;
  /** The values in the order given, parsed as YAML like `--set` values (100, "250ms", {…}). */
  values: unknown[];
}

/** `--shard I/N`: this run holds the cells whose index mod N is I − 1. */
export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** One point of the parameter grid with every strategy's results there. */
export interface SweepCell {
  /** Position in the full grid (row-major: the last parameter varies fastest). */
  index: number;
  /** The value of every swept path in this cell. */
  params: Record<string, unknown>;
  /** The service instances of this cell's scenario (params may change them). */
  instances: InstanceAttributes[];
  /** In strategy order; the same shape as summary.json's results. */
  results: StrategyResult[];
}

export interface SweepResult {
  meshsimVersion: string;
  /** The scenario's name. */
  scenario: string;
  /** The base seed (a swept `seed` param overrides it per cell). */
  seed: number;
  /** The base replication count. */
  replications: number;
  params: SweepParam[];
  /** Every strategy label of the grid, in order of first appearance. */
  strategies: string[];
  /** Present when this result is one shard of a sweep. */
  shard?: ShardSpec;
  /** Present (true) when the run was interrupted; `cells` then holds the finished cells only. */
  interrupted?: true;
  /** With `interrupted`: the indices of the finished cells. */
  finishedCells?: number[];
  /** Finished cells in index order. */
  cells: SweepCell[];
}
