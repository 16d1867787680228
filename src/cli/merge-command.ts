/**
 * `meshsim merge DIR... --out DIR`: joins the folders of `meshsim sweep --shard I/N` into the
 * folder the unsharded sweep writes, byte for byte. Shards of different sweeps, missing,
 * repeated or interrupted shards are refused (exit status 2) and nothing is written.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkOutputFolder, readResultFolder, ResultFolderError } from '../output/result-folder.js';
import { writeSweepOutputs, SWEEP_JSON } from '../output/sweep-files.js';
import { SCENARIO_JSON } from '../output/write-files.js';
import { mergeShards, ShardMismatchError, type ShardInput } from '../sweep/merge.js';
import { parseSweepJson, SweepFileError } from '../sweep/read-sweep.js';
import { UsageError } from './errors.js';

export interface MergeFlags {
  out?: string;
  quiet?: boolean;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (is this a `meshsim sweep --shard` output folder?)' : (error as Error).message;
    throw new UsageError(`${path}: ${why}`);
  }
}

function readShard(dir: string): ShardInput {
  const sweepPath = join(dir, SWEEP_JSON);
  try {
    // Only a whole result: the manifest vouches for sweep.json and scenario.json together.
    readResultFolder(dir, ['sweep']);
    return {
      dir,
      sweep: parseSweepJson(readText(sweepPath), sweepPath),
      scenarioText: readText(join(dir, SCENARIO_JSON)),
    };
  } catch (error) {
    if (error instanceof SweepFileError || error instanceof ResultFolderError) throw new UsageError(error.message);
    throw error;
  }
}

export function mergeCommand(dirs: string[], flags: MergeFlags): void {
  if (flags.out === undefined) throw new UsageError('merge needs --out DIR, the folder for the merged result');
  const out = resolve(flags.out);
  const clash = dirs.find((d) => resolve(d) === out);
  if (clash !== undefined) throw new UsageError(`--out ${flags.out}: is also an input shard (${clash}); write the merged result elsewhere`);

  checkOutputFolder(flags.out);
  const shards = dirs.map(readShard);
  let merged;
  try {
    merged = mergeShards(shards);
  } catch (error) {
    if (error instanceof ShardMismatchError) throw new UsageError(error.message);
    throw error;
  }
  const written = writeSweepOutputs(flags.out, merged, shards[0]!.scenarioText);
  if (!flags.quiet) {
    process.stderr.write(`meshsim: merged ${shards.length} shards, ${merged.cells.length} cells: wrote ${written.join(', ')}\n`);
  }
}
