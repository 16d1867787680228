/**
 * The files of a sweep folder (run or merged): sweep.json, sweep.csv, instances.csv and the
 * resolved base scenario.json, each written atomically. sweep.json goes last, so a folder
 * whose sweep.json is new has every other file new too.
 */
import type { SweepResult } from '../sweep/types.js';
import { formatSweepInstancesCsv } from './instances-csv.js';
import { formatSweepCsv } from './sweep-csv.js';
import { formatSweepJson } from './sweep-json.js';
import { INSTANCES_CSV, SCENARIO_JSON, writeOutputFiles } from './write-files.js';

export const SWEEP_JSON = 'sweep.json';
export const SWEEP_CSV = 'sweep.csv';

/** Writes the sweep folder; `scenarioText` is scenario.json's content. Returns the paths. */
export function writeSweepOutputs(dir: string, sweep: SweepResult, scenarioText: string): string[] {
  return writeOutputFiles(dir, [
    [SCENARIO_JSON, scenarioText],
    [SWEEP_CSV, formatSweepCsv(sweep)],
    [INSTANCES_CSV, formatSweepInstancesCsv(sweep)],
    [SWEEP_JSON, formatSweepJson(sweep)],
  ]);
}
