/**
 * Data files named by the scenario, read once at load time so the rest of meshsim never
 * touches the file system: trace arrival timestamps (`arrivals: {kind: trace, file}`) into
 * `times`, empirical samples (`{dist: empirical, file}`) into `values`, both in milliseconds.
 * `file` stays in the scenario as provenance. A spec that already carries `times`/`values`
 * besides `file` (a scenario that went through the loader before, such as scenario.json) keeps
 * them; they must then agree with the file, when it can still be read, so a hand-written spec
 * cannot say two different things. Every problem inside a file names its line, the column of
 * the cell and the scenario key that named the file.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { ScenarioProblem } from './errors.js';
import { MAX_PROBLEMS_PER_FILE, readNumericColumn, type CsvProblem } from './csv-column.js';
import type { KeyPath } from './issues.js';
import { formatPath } from './render-value.js';
import type { DistributionSpec, Scenario } from './schema.js';
import { readUtf8File } from './text-file.js';

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

/** What reading the data files found: problems (errors) and warnings. */
export interface DataFileOutcome {
  readonly problems: ScenarioProblem[];
  readonly warnings: string[];
}

/** Fills `times` and `values` from files, in place. */
export function loadDataFiles(scenario: Scenario, context: DataFileContext): DataFileOutcome {
  const outcome: DataFileOutcome = { problems: [], warnings: [] };

  const arrivals = scenario.arrivals;
  if (arrivals.kind === 'trace') {
    const times = readSpec(arrivals, arrivals.times, ['arrivals'], 'times', context, outcome, checkTimestamps);
    if (times !== undefined) arrivals.times = times;
  }

  const distributions: [KeyPath, DistributionSpec][] = [[['service', 'serviceTime'], scenario.service.serviceTime]];
  if (scenario.network !== undefined) distributions.push([['network', 'latency'], scenario.network.latency]);
  for (const [path, spec] of distributions) {
    if (spec.dist !== 'empirical') continue;
    const values = readSpec(spec, spec.values, path, 'values', context, outcome, checkSamples);
    if (values !== undefined) spec.values = values;
  }
  return outcome;
}

type ColumnCheck = (column: LoadedColumn, problemAt: CellProblem) => boolean;
type CellProblem = (index: number, message: string) => void;

/**
 * The data of one spec from its file, checked. With inline data beside `file` (a scenario that
 * went through the loader before, such as scenario.json, carries both: `file` is where the data
 * came from), the inline data stays authoritative, and must agree with the file when the file
 * is there to compare with; it is left as it is (undefined is returned).
 */
function readSpec(
  source: ColumnSource,
  inline: readonly number[] | undefined,
  specPath: KeyPath,
  inlineKey: 'times' | 'values',
  context: DataFileContext,
  outcome: DataFileOutcome,
  check: ColumnCheck,
): number[] | undefined {
  if (source.file === undefined) return undefined;
  const fileKey = formatPath([...specPath, 'file']);
  const read = readColumn(source, specPath, context);
  if ('problem' in read) {
    if (inline === undefined) outcome.problems.push(read.problem);
    else outcome.warnings.push(`${fileKey}: ${read.problem.message}; using the inline \`${inlineKey}\``);
    return undefined;
  }
  const { column } = read;
  if (read.problems.length > 0) {
    outcome.problems.push(...read.problems);
    return undefined;
  }
  const before = outcome.problems.length;
  const atCell: CellProblem = (i, message) =>
    outcome.problems.push({ file: column.file, line: column.lines[i]!, column: column.columns[i]!, path: fileKey, message });
  if (!check(column, atCell) || outcome.problems.length > before) return undefined;
  if (inline === undefined) return column.values;
  const disagreement = firstDifference(column, inline, inlineKey);
  if (disagreement !== undefined) outcome.problems.push(context.problemAt([...specPath, inlineKey], disagreement));
  return undefined;
}

/** Why inline data is not what the file holds, or undefined when they agree. */
function firstDifference(column: LoadedColumn, inline: readonly number[], key: string): string | undefined {
  const conflict = 'give either `file` or `' + key + '`';
  if (inline.length !== column.values.length) {
    return `expected the ${column.values.length} values of ${column.file} (${conflict}), found ${inline.length}`;
  }
  const i = inline.findIndex((v, j) => v !== column.values[j]);
  if (i < 0) return undefined;
  return (
    `expected the values of ${column.file} (${conflict}), found ${inline[i]} ms at ${key}.${i} ` +
    `where line ${column.lines[i]} holds ${column.values[i]} ms`
  );
}

interface LoadedColumn {
  readonly file: string;
  readonly label: string;
  /** Milliseconds. */
  readonly values: number[];
  /** As written in the file, for messages. */
  readonly raw: number[];
  readonly lines: number[];
  readonly columns: number[];
}

/** The column, or the problem that stopped the reading (no file), or the file's own problems. */
function readColumn(
  source: ColumnSource,
  specPath: KeyPath,
  context: DataFileContext,
): { problem: ScenarioProblem } | { column: LoadedColumn; problems: ScenarioProblem[] } {
  const fullPath = resolve(context.baseDir, source.file!);
  const display = isAbsolute(source.file!) ? source.file! : join(context.displayDir, source.file!);
  const fileKey = [...specPath, 'file'];
  let read;
  try {
    read = readUtf8File(fullPath);
  } catch (error) {
    return { problem: context.problemAt(fileKey, readFailure(error, display)) };
  }
  const inFile = (p: CsvProblem): ScenarioProblem => ({ file: display, ...p, path: formatPath(fileKey) });
  if ('problem' in read) return { problem: inFile(read.problem) };
  const { column, problems } = readNumericColumn(read.text, source.column);
  const factor = MS_PER_UNIT[source.unit];
  return {
    column: {
      file: display,
      label: column.label,
      values: column.values.map((v) => v * factor),
      raw: column.values,
      lines: column.lines,
      columns: column.columns,
    },
    problems: problems.map(inFile),
  };
}

function readFailure(error: unknown, display: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `expected an existing CSV file, found no file at ${display}`;
  if (code === 'EISDIR') return `expected a CSV file, found a directory at ${display}`;
  return `cannot read ${display}: ${(error as Error).message}`;
}

/** Timestamps: finite, non-negative, non-decreasing (the engine replays them in order). */
function checkTimestamps(column: LoadedColumn, problemAt: CellProblem): boolean {
  let bad = 0;
  for (const [i, t] of column.values.entries()) {
    if (!Number.isFinite(t) || t < 0) {
      problemAt(i, `expected a non-negative finite timestamp, found ${column.raw[i]}`);
      bad++;
    } else if (i > 0 && t < column.values[i - 1]!) {
      problemAt(
        i,
        `expected timestamps in non-decreasing order, found ${column.raw[i]} after ${column.raw[i - 1]} (line ${column.lines[i - 1]})`,
      );
      bad++;
    }
    if (bad >= MAX_PROBLEMS_PER_FILE) break;
  }
  return bad === 0;
}

/** Samples of a time: finite and non-negative. */
function checkSamples(column: LoadedColumn, problemAt: CellProblem): boolean {
  let bad = 0;
  for (const [i, v] of column.values.entries()) {
    if (!Number.isFinite(v) || v < 0) {
      problemAt(i, `expected a non-negative finite time, found ${column.raw[i]}`);
      if (++bad >= MAX_PROBLEMS_PER_FILE) break;
    }
  }
  return bad === 0;
}
