/**
 * The scenario loading boundary: file → YAML/JSON → `--set` overrides → schema validation →
 * data files → warnings. Everything that can be wrong with user input is found here and
 * reported as one `ScenarioError` listing every problem with its file, line, column and key
 * path; everything after this module trusts the `Scenario` it returns.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { YAMLError } from 'yaml';
import { resolveBalancerModules } from './balancer-modules.js';
import { loadDataFiles } from './data-files.js';
import { notYetSimulated } from './not-yet-simulated.js';
import { formatProblem, ScenarioError, sortProblems, type ScenarioProblem } from './errors.js';
import { describeIssues, type KeyPath } from './issues.js';
import { formatPath, renderValue } from './render-value.js';
import { scenarioSchema, type Scenario } from './schema.js';
import { applySetOverrides, overrideCovering, overridesBelow, type AppliedOverride } from './set-overrides.js';
import { yamlSourceMap, type SourceMap } from './source-map.js';
import { closestMatch } from './suggest.js';
import { readUtf8File } from './text-file.js';
import { parseYaml, yamlToData, type TextProblem } from './yaml-text.js';
import { scenarioWarnings } from './warnings.js';

export { ScenarioError } from './errors.js';
export type { ScenarioProblem } from './errors.js';

export interface LoadedScenario {
  /** Validated, defaults filled in, durations in ms, data files read into `times`/`values`. */
  scenario: Scenario;
  /** The scenario file as the caller named it; for `resolveScenario`, `options.file` or ''. */
  file: string;
  /** Valid but suspicious settings, one sentence each (the CLI prints them to stderr). */
  warnings: string[];
  /**
   * A problem about the key at `path`, positioned where it was written (the file's line and
   * column, or the `--set` argument): for checks made after loading, such as the pre-run estimate.
   */
  problemAt: (path: KeyPath, message: string) => ScenarioProblem;
}

export interface LoadOptions {
  /** `KEY=VALUE` overrides, applied in order before validation. */
  set?: readonly string[];
  /**
   * Accept the keys the simulation does not run yet (membership, discovery, autoscaling), for
   * `runMembership`; by default they are refused (not-yet-simulated.ts).
   */
  allowUnsimulatedKeys?: boolean;
}

export interface ResolveOptions extends LoadOptions {
  /** Directory for relative data-file paths; default the current directory. */
  baseDir?: string;
  /** A name for the input in messages (no line numbers: objects have none). */
  file?: string;
}

const SCENARIO_EXTENSIONS = ['.yaml', '.yml', '.json'];

/** Reads, overrides, validates and resolves a YAML or JSON scenario file. Throws `ScenarioError`. */
export function loadScenarioFile(path: string, options: LoadOptions = {}): LoadedScenario {
  const text = readScenarioText(path);
  // JSON is YAML 1.2, so one parser serves both and gives JSON files line/column positions too.
  const parsed = parseYaml(text);
  if ('nesting' in parsed) throw new ScenarioError([textProblem(path, text, parsed.nesting)]);
  const { doc, lineCounter } = parsed.parsed;
  const yamlProblem = (error: YAMLError, kind: string): ScenarioProblem => {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    return { file: path, line, column: col, message: `${kind}: ${error.message.split('\n')[0]!.trim()}` };
  };
  if (parsed.problems.length > 0) throw new ScenarioError(parsed.problems.map((e) => yamlProblem(e, 'syntax error')));

  const data = yamlToData(doc);
  if ('problem' in data) {
    const { line, col } = lineCounter.linePos(data.problem.offset);
    throw new ScenarioError([{ file: path, line, column: col, message: data.problem.message }]);
  }
  const loaded = resolveRaw(data.value, {
    file: path,
    baseDir: dirname(resolve(path)),
    displayDir: dirname(path),
    sourceMap: yamlSourceMap(doc, lineCounter),
    set: options.set ?? [],
    allowUnsimulatedKeys: options.allowUnsimulatedKeys ?? false,
  });
  loaded.warnings.unshift(...doc.warnings.map((w) => formatProblem(yamlProblem(w, 'YAML'))));
  return loaded;
}

/** A problem at a character offset of `text`, with its line and column. */
function textProblem(file: string, text: string, problem: TextProblem): ScenarioProblem {
  const before = text.slice(0, problem.offset).split(/\r\n|\n|\r/);
  return { file, line: before.length, column: before[before.length - 1]!.length + 1, message: problem.message };
}

/**
 * The same pipeline for a scenario given as an object (library use). Problems carry key paths
 * but no line numbers. The input is not modified.
 */
export function resolveScenario(input: unknown, options: ResolveOptions = {}): LoadedScenario {
  const baseDir = options.baseDir ?? '.';
  return resolveRaw(input, {
    file: options.file ?? '',
    baseDir: resolve(baseDir),
    displayDir: baseDir,
    sourceMap: undefined,
    set: options.set ?? [],
    allowUnsimulatedKeys: options.allowUnsimulatedKeys ?? false,
  });
}

interface ResolveContext {
  readonly file: string;
  readonly baseDir: string;
  readonly displayDir: string;
  readonly sourceMap: SourceMap | undefined;
  readonly set: readonly string[];
  readonly allowUnsimulatedKeys: boolean;
}

function resolveRaw(original: unknown, context: ResolveContext): LoadedScenario {
  if (original === null || typeof original !== 'object' || Array.isArray(original)) {
    const found = original === null || original === undefined ? 'an empty document' : renderValue(original);
    // An empty file has no node to point at: its first line then.
    const at = context.sourceMap === undefined ? undefined : (context.sourceMap.locate([], 'value') ?? { line: 1, column: 1 });
    const message = `expected a mapping of scenario keys (name, arrivals, service, …), found ${found}`;
    throw new ScenarioError([{ file: context.file, ...(at && { line: at.line, column: at.column }), message }]);
  }

  const working = cloneInput(original, context.file);
  // A malformed `--set` is left out and reported together with whatever else is wrong, so one
  // run shows every problem.
  const overrides = applySetOverrides(working, context.set);
  const problemAt = problemLocator(original, overrides.applied, context);
  const parsed = scenarioSchema.safeParse(working);
  const problems = [...overrides.problems];
  if (!parsed.success) {
    const reports = describeIssues(parsed.error.issues, scenarioSchema, working);
    problems.push(...reports.map((r) => problemAt(r.path, r.message, r.at)));
  }
  if (!parsed.success || problems.length > 0) throw new ScenarioError(sortProblems(problems, context.set));

  const scenario = parsed.data;
  const gated = (context.allowUnsimulatedKeys ? [] : notYetSimulated(scenario)).map(({ path, message }) => problemAt(path, message, 'key'));
  if (gated.length > 0) throw new ScenarioError(gated);
  const files = { baseDir: context.baseDir, displayDir: context.displayDir, problemAt };
  const data = loadDataFiles(scenario, files);
  const dataProblems = [...data.problems, ...resolveBalancerModules(scenario, files)];
  if (dataProblems.length > 0) throw new ScenarioError(dataProblems);

  return { scenario, file: context.file, warnings: [...data.warnings, ...scenarioWarnings(scenario)], problemAt };
}

/**
 * Blame for a problem at a key path: the `--set` argument that wrote the value (or created
 * the missing part of its path), else its place in the file, mentioning any `--set` beneath
 * that may have caused it.
 */
function problemLocator(original: object, applied: readonly AppliedOverride[], context: ResolveContext) {
  return (path: KeyPath, message: string, at: 'key' | 'value' = 'value'): ScenarioProblem => {
    const shownPath = formatPath(path);
    const covering = overrideCovering(applied, path);
    if (covering !== undefined) return { setArgument: covering.argument, path: shownPath, message };
    const depth = existingDepth(original, path);
    if (depth < path.length) {
      const creators = overridesBelow(applied, path.slice(0, depth + 1));
      const creator = creators[creators.length - 1] ?? overrideCovering(applied, path.slice(0, depth + 1));
      if (creator !== undefined) return { setArgument: creator.argument, path: shownPath, message };
    }
    const position = context.sourceMap?.locate(path, at);
    const below = overridesBelow(applied, path);
    const note = below.length > 0 ? ` (after ${below.map((o) => `--set ${o.argument}`).join(', ')})` : '';
    return {
      file: context.file,
      ...(position && { line: position.line, column: position.column }),
      path: shownPath,
      message: message + note,
    };
  };
}

/** How many leading segments of `path` exist in `root`. */
function existingDepth(root: unknown, path: KeyPath): number {
  let node = root;
  for (const [i, key] of path.entries()) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return i;
    node = (node as Record<string | number, unknown>)[key];
  }
  return path.length;
}

/** A deep copy to apply overrides to, so neither the caller's object nor the parsed document changes. */
function cloneInput(input: object, file: string): Record<string, unknown> {
  try {
    return structuredClone(input) as Record<string, unknown>;
  } catch (error) {
    const message = `expected plain data (mappings, lists, strings, numbers), found ${(error as Error).message}`;
    throw new ScenarioError([{ file, message }]);
  }
}

/** The file's text, or a `ScenarioError` saying plainly why there is none. */
function readScenarioText(path: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ScenarioError([{ file: path, message: `no such file${siblingSuggestion(path)}` }]);
    }
    throw new ScenarioError([{ file: path, message: `cannot read: ${(error as Error).message}` }]);
  }
  if (isDirectory) {
    const inside = scenarioFilesIn(path);
    const hint = inside.length > 0 ? `; it contains ${inside.slice(0, 5).join(', ')}${inside.length > 5 ? ', …' : ''}` : '';
    throw new ScenarioError([{ file: path, message: `expected a scenario file (.yaml, .yml or .json), found a directory${hint}` }]);
  }
  let read;
  try {
    read = readUtf8File(path);
  } catch (error) {
    throw new ScenarioError([{ file: path, message: `cannot read: ${(error as Error).message}` }]);
  }
  if ('problem' in read) throw new ScenarioError([{ file: path, ...read.problem }]);
  return read.text;
}

function scenarioFilesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => SCENARIO_EXTENSIONS.includes(extname(name)))
      .sort();
  } catch {
    return [];
  }
}

/** "; did you mean scenarios/crash.yaml?" when a file with a similar name sits next to it. */
function siblingSuggestion(path: string): string {
  const dir = dirname(path);
  const near = closestMatch(basename(path), scenarioFilesIn(dir));
  return near === undefined ? '' : `; did you mean ${join(dir, near)}?`;
}
