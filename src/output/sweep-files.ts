/**
 * The files of a sweep folder (run or merged): sweep.json, sweep.csv, instances.csv and the
 * resolved base scenario.json, written as one whole result (see result-folder.ts). An
 * interrupted sweep's manifest says so, as sweep.json and the CSV files do.
 */
import type { SweepResult } from '../sweep/types.js';
import { formatSweepInstancesCsv } from './instances-csv.js';
import { writeResultFolder } from './result-folder.js';
import { formatSweepCsv } from './sweep-csv.js';
import { formatSweepJson } from './sweep-json.js';
import { INSTANCES_CSV, SCENARIO_JSON } from './write-files.js';

export const SWEEP_JSON = 'sweep.json';
export const SWEEP_CSV = 'sweep.csv';

/** Writes the sweep folder; `scenarioText` is scenario.json's content. Returns the paths. */
export function writeSweepOutputs(dir: string, sweep: SweepResult, scenarioText: string): string[] {
  return writeResultFolder(
    dir,
    'sweep',
    [
      [SCENARIO_JSON, scenarioText],
      [SWEEP_CSV, formatSweepCsv(sweep)],
      [INSTANCES_CSV, formatSweepInstancesCsv(sweep)],
      [SWEEP_JSON, formatSweepJson(sweep)],
    ],
    { interrupted: sweep.interrupted === true },
  );
}
