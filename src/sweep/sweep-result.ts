/**
 * Assembles sweep.json's content from the cells a run finished. Nothing here depends on how
 * or in which order the cells ran.
 */
import type { Scenario } from '../scenario/schema.js';
import { MESHSIM_VERSION } from '../version.js';
import type { CellsOutcome } from './run-cells.js';
import type { ShardSpec, SweepParam, SweepResult } from './types.js';

export interface SweepResultInput {
  /** The resolved base scenario (before any parameter is applied). */
  base: Scenario;
  params: readonly SweepParam[];
  strategies: readonly string[];
  shard: ShardSpec | undefined;
  outcome: CellsOutcome;
}

export function sweepResult(input: SweepResultInput): SweepResult {
  const result: SweepResult = {
    meshsimVersion: MESHSIM_VERSION,
    scenario: input.base.name,
    seed: input.base.seed,
    replications: input.base.replications,
    params: input.params.map((p) => ({ path: p.path, values: [...p.values] })),
    strategies: [...input.strategies],
    cells: input.outcome.cells,
  };
  if (input.shard !== undefined) result.shard = { ...input.shard };
  if (input.outcome.interrupted) {
    result.interrupted = true;
    result.finishedCells = input.outcome.cells.map((c) => c.index);
  }
  return result;
}
