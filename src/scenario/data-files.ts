/**
 * Data files named by the scenario, read once at load time so the rest of meshsim never
 * touches the file system: trace arrival timestamps (`arrivals: {kind: trace, file}`) into
 * `times`, empirical samples (`{dist: empirical, file}`) into `values`, both in milliseconds.
 * `file` stays in the scenario as provenance. A spec that already carries `times`/`values`
 * (a scenario that went through the loader before) is left as it is.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ScenarioProblem } from './errors.js';
import { MAX_PROBLEMS_PER_FILE, readNumericColumn } from './csv-column.js';
import type { KeyPath } from './issues.js';
import type { DistributionSpec, Scenario } from './schema.js';

const MS_PER_UNIT = { us: 1e-3, ms: 1, s: 1000 } as const;

export interface DataFileContext {
  /** Directory that relative data-file paths are resolved against (the scenario's). */
  readonly baseDir: string;
  /** The same directory as the user would write it, for messages (`scenarios/`). */
  readonly displayDir: string;
  /** A problem about the scenario key at `path` (positioned in the scenario file or at its `--set`). */
  readonly problemAt: (path: KeyPath, message: string) => ScenarioProblem;
}

interface ColumnSource {
  readonly file?: string | undefined;
  readonly column?: string | number | undefined;
  readonly unit: keyof typeof MS_PER_UNIT;
}

/** Fills `times` and `values` from files, in place; returns every problem found. */
export function loadDataFiles(scenario: Scenario, context: DataFileContext): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];

  const arrivals = scenario.arrivals;
  if (arrivals.kind === 'trace' && arrivals.times === undefined) {
    const loaded = readColumn(arrivals, ['arrivals'], context, problems);
    if (loaded !== undefined) {
      const ordered = checkTimestamps(loaded, problems);
      if (ordered) arrivals.times = loaded.values;
    }
  }

  const distributions: [KeyPath, DistributionSpec][] = [[['service', 'serviceTime'], scenario.service.serviceTime]];
  if (scenario.network !== undefined) distributions.push([['network', 'latency'], scenario.network.latency]);
  for (const [path, spec] of distributions) {
    if (spec.dist !== 'empirical' || spec.values !== undefined) continue;
    const loaded = readColumn(spec, path, context, problems);
    if (loaded !== undefined && checkSamples(loaded, problems)) spec.values = loaded.values;
  }
  return problems;
}

interface LoadedColumn {
  readonly file: string;
  readonly label: string;
  /** Milliseconds. */
  readonly values: number[];
  /** As written in the file, for messages. */
  readonly raw: number[];
  readonly lines: number[];
}

function readColumn(
  source: ColumnSource,
  specPath: KeyPath,
  context: DataFileContext,
  problems: ScenarioProblem[],
): LoadedColumn | undefined {
  if (source.file === undefined) return undefined;
  const fullPath = resolve(context.baseDir, source.file);
  const display = isAbsolute(source.file) ? source.file : join(context.displayDir, source.file);
  let text: string;
  try {
    text = readFileSync(fullPath, 'utf8');
  } catch (error) {
    problems.push(context.problemAt([...specPath, 'file'], readFailure(error, display)));
    return undefined;
  }
  const { column, problems: csvProblems } = readNumericColumn(text, display, source.column);
  if (csvProblems.length > 0) {
    problems.push(...csvProblems);
    return undefined;
  }
  const factor = MS_PER_UNIT[source.unit];
  return {
    file: display,
    label: column.label,
    values: column.values.map((v) => v * factor),
    raw: column.values,
    lines: column.lines,
  };
}

function readFailure(error: unknown, display: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `expected an existing CSV file, found no file at ${display}`;
  if (code === 'EISDIR') return `expected a CSV file, found a directory at ${display}`;
  return `cannot read ${display}: ${(error as Error).message}`;
}

/** Timestamps: finite, non-negative, non-decreasing (the engine replays them in order). */
function checkTimestamps(column: LoadedColumn, problems: ScenarioProblem[]): boolean {
  const before = problems.length;
  for (const [i, t] of column.values.entries()) {
    const line = column.lines[i]!;
    if (!Number.isFinite(t) || t < 0) {
      problems.push({ file: column.file, line, message: `expected a non-negative finite timestamp, found ${column.raw[i]}` });
    } else if (i > 0 && t < column.values[i - 1]!) {
      problems.push({
        file: column.file,
        line,
        message:
          `expected timestamps in non-decreasing order, ` +
          `found ${column.raw[i]} after ${column.raw[i - 1]} (line ${column.lines[i - 1]})`,
      });
    }
    if (problems.length - before >= MAX_PROBLEMS_PER_FILE) break;
  }
  return problems.length === before;
}

/** Samples of a time: finite and non-negative. */
function checkSamples(column: LoadedColumn, problems: ScenarioProblem[]): boolean {
  const before = problems.length;
  for (const [i, v] of column.values.entries()) {
    if (!Number.isFinite(v) || v < 0) {
      const message = `expected a non-negative finite time, found ${column.raw[i]}`;
      problems.push({ file: column.file, line: column.lines[i]!, message });
      if (problems.length - before >= MAX_PROBLEMS_PER_FILE) break;
    }
  }
  return problems.length === before;
}
