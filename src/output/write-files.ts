/**
 * The files of a run folder (summary.json, summary.csv, scenario.json, instances.csv), written
 * as one whole result (see result-folder.ts: each file atomically, a manifest last).
 */
import type { RunResult } from '../analysis/types.js';
import { instanceAttributes } from '../scenario/instance-attributes.js';
import type { Scenario } from '../scenario/schema.js';
import { formatInstancesCsv } from './instances-csv.js';
import { writeResultFolder, type OutputFiles } from './result-folder.js';
import { formatScenarioJson } from './scenario-json.js';
import { formatSummaryCsv } from './summary-csv.js';
import { formatSummaryJson } from './summary-json.js';

export { writeFileAtomic } from './result-folder.js';

export const SUMMARY_JSON = 'summary.json';
export const SUMMARY_CSV = 'summary.csv';
export const SCENARIO_JSON = 'scenario.json';
export const INSTANCES_CSV = 'instances.csv';

/** summary.json and summary.csv, and with the run's resolved `scenario` also scenario.json and instances.csv. */
export function runOutputFiles(run: RunResult, scenario?: Scenario): Array<readonly [string, string]> {
  const files: Array<readonly [string, string]> = [
    [SUMMARY_JSON, formatSummaryJson(run)],
    [SUMMARY_CSV, formatSummaryCsv(run)],
  ];
  if (scenario !== undefined) {
    files.push([SCENARIO_JSON, formatScenarioJson(scenario)]);
    files.push([INSTANCES_CSV, formatInstancesCsv(run, instanceAttributes(scenario))]);
  }
  return files;
}

/**
 * Writes a run folder: runOutputFiles and any `extra` files (events.csv, timeseries.csv) as one
 * result; returns the paths written.
 */
export function writeRunOutputs(dir: string, run: RunResult, scenario?: Scenario, extra: OutputFiles = []): string[] {
  return writeResultFolder(dir, 'run', [...runOutputFiles(run, scenario), ...extra]);
}
