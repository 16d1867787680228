/**
 * Writing result files so that a crash or a kill never leaves a half-written file and never
 * destroys the previous result: the data goes to a temporary file in the same directory (same
 * file system, so the rename is atomic on POSIX and replaces the target on Windows too), is
 * flushed to disk, and only then renamed over the target.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../analysis/types.js';
import { instanceAttributes } from '../scenario/instance-attributes.js';
import type { Scenario } from '../scenario/schema.js';
import { formatInstancesCsv } from './instances-csv.js';
import { formatScenarioJson } from './scenario-json.js';
import { formatSummaryCsv } from './summary-csv.js';
import { formatSummaryJson } from './summary-json.js';

export const SUMMARY_JSON = 'summary.json';
export const SUMMARY_CSV = 'summary.csv';
export const SCENARIO_JSON = 'scenario.json';
export const INSTANCES_CSV = 'instances.csv';

/** Writes `data` (text as UTF-8, or bytes) to `path` atomically via `path.tmp-<pid>`. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const temporary = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      // writeSync may write fewer bytes than asked; loop until all are out.
      for (let written = 0; written < bytes.length; ) {
        written += writeSync(fd, bytes, written, bytes.length - written);
      }
      // Without fsync a power loss after the rename could leave the new name on empty data.
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Creates `dir` if needed and writes each `name → text` file atomically, in the order given;
 * returns their paths.
 */
export function writeOutputFiles(dir: string, files: ReadonlyArray<readonly [string, string]>): string[] {
  mkdirSync(dir, { recursive: true });
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    return path;
  });
}

/**
 * Creates `dir` if needed and writes summary.json and summary.csv, and with the run's resolved
 * `scenario` also scenario.json and instances.csv; returns their paths.
 */
export function writeRunOutputs(dir: string, run: RunResult, scenario?: Scenario): string[] {
  const files: Array<readonly [string, string]> = [
    [SUMMARY_JSON, formatSummaryJson(run)],
    [SUMMARY_CSV, formatSummaryCsv(run)],
  ];
  if (scenario !== undefined) {
    files.push([SCENARIO_JSON, formatScenarioJson(scenario)]);
    files.push([INSTANCES_CSV, formatInstancesCsv(run, instanceAttributes(scenario))]);
  }
  return writeOutputFiles(dir, files);
}
