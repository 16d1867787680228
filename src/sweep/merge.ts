/**
 * `meshsim merge`: joins the shard results of one sweep into the result the unsharded run
 * gives, cell for cell. Cells are independent simulations whose seeds do not depend on the
 * shard, so only assembly is left: every shard must come from the same sweep (version,
 * scenario, seed, replications, parameters, strategies, shard count), every shard must be
 * present once and complete, and each must hold exactly its own cells.
 */
import { gridSize, shardCells } from './grid.js';
import type { SweepResult } from './types.js';

/** A shard as read from its folder. */
export interface ShardInput {
  /** The folder, for messages. */
  dir: string;
  sweep: SweepResult;
  /** The folder's scenario.json, which must be the same text in every shard. */
  scenarioText: string;
}

/** Shards that cannot be merged; the message has one line per problem. */
export class ShardMismatchError extends Error {
  override readonly name = 'ShardMismatchError';
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
  }
}

const SAME_FIELDS: ReadonlyArray<readonly [string, (s: SweepResult) => unknown]> = [
  ['meshsim version', (s) => s.meshsimVersion],
  ['scenario name', (s) => s.scenario],
  ['seed', (s) => s.seed],
  ['replications', (s) => s.replications],
  ['parameters', (s) => s.params],
  ['strategies', (s) => s.strategies],
  ['shard count', (s) => s.shard?.count],
];

const shown = (value: unknown) => JSON.stringify(value);

export function mergeShards(inputs: readonly ShardInput[]): SweepResult {
  const first = inputs[0];
  if (first === undefined) throw new ShardMismatchError(['no shard folders given']);
  const problems: string[] = [];
  for (const input of inputs) {
    const { dir, sweep } = input;
    if (sweep.shard === undefined) {
      problems.push(`${dir}: not a shard (sweep.json has no \`shard\`: it is a whole sweep already)`);
      continue;
    }
    if (sweep.interrupted === true) {
      problems.push(
        `${dir}: shard ${sweep.shard.index}/${sweep.shard.count} was interrupted (${sweep.cells.length} cells finished); run it again`,
      );
    }
    if (input === first) continue;
    for (const [what, read] of SAME_FIELDS) {
      if (shown(read(sweep)) !== shown(read(first.sweep))) {
        problems.push(`${dir}: ${what} ${shown(read(sweep))} differs from ${first.dir}'s ${shown(read(first.sweep))}`);
      }
    }
    if (input.scenarioText !== first.scenarioText) {
      problems.push(`${dir}: the resolved scenario (scenario.json) differs from ${first.dir}'s`);
    }
  }
  if (problems.length > 0) throw new ShardMismatchError(problems);

  const count = first.sweep.shard!.count;
  const size = gridSize(first.sweep.params);
  const byIndex = new Map<number, ShardInput>();
  for (const input of inputs) {
    const shard = input.sweep.shard!;
    const other = byIndex.get(shard.index);
    if (other !== undefined) problems.push(`${other.dir} and ${input.dir} are both shard ${shard.index}/${count}`);
    else byIndex.set(shard.index, input);
    const expected = shardCells(size, shard);
    const actual = input.sweep.cells.map((c) => c.index);
    if (shown(actual) !== shown(expected)) {
      problems.push(`${input.dir}: holds cells ${shown(actual)}, but shard ${shard.index}/${count} is cells ${shown(expected)}`);
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !byIndex.has(i));
  if (missing.length > 0) problems.push(`missing shard${missing.length === 1 ? '' : 's'} ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  if (problems.length > 0) throw new ShardMismatchError(problems);

  const cells = inputs.flatMap((i) => i.sweep.cells).sort((a, b) => a.index - b.index);
  const { shard: _shard, interrupted: _interrupted, finishedCells: _finished, ...whole } = first.sweep;
  return { ...whole, cells };
}
