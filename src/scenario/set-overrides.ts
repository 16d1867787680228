/**
 * `--set KEY=VALUE`: dotted paths into the raw scenario (`service.instances=32`,
 * `compare.0.kind=random`), values parsed as YAML scalars (flow lists and mappings such as
 * `[0, 1]` too). Applied before validation, so an override is checked exactly like the file's
 * own keys; each applied override is remembered so a later problem at or under its path is
 * blamed on the `--set` argument rather than on a line of the file.
 */
import { isMap, isSeq } from 'yaml';
import type { ScenarioProblem } from './errors.js';
import type { KeyPath } from './issues.js';
import { renderValue } from './render-value.js';
import { parseYaml, yamlToData } from './yaml-text.js';

export interface AppliedOverride {
  /** The argument as typed, `service.instances=32`. */
  readonly argument: string;
  readonly path: KeyPath;
}

export interface OverrideOutcome {
  readonly applied: AppliedOverride[];
  readonly problems: ScenarioProblem[];
}

// Keys that would reach Object.prototype instead of the scenario.
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Applies every argument to `target` in order (later ones win), collecting all problems. */
export function applySetOverrides(target: Record<string, unknown>, args: readonly string[]): OverrideOutcome {
  const applied: AppliedOverride[] = [];
  const problems: ScenarioProblem[] = [];
  for (const argument of args) {
    const outcome = applyOne(target, argument);
    if (typeof outcome === 'string') problems.push({ setArgument: argument, message: outcome });
    else applied.push({ argument, path: outcome });
  }
  return { applied, problems };
}

/** The path written, or a message saying why the argument cannot be applied. */
function applyOne(target: Record<string, unknown>, argument: string): KeyPath | string {
  const eq = argument.indexOf('=');
  if (eq < 0) return 'expected KEY=VALUE, such as service.instances=32';
  const key = argument.slice(0, eq).trim();
  const segments = key.split('.');
  if (key === '' || segments.some((s) => s.trim() === '')) {
    return `expected a dotted key path such as service.instances, found ${renderValue(key)}`;
  }
  const forbidden = segments.find((s) => FORBIDDEN_KEYS.has(s));
  if (forbidden !== undefined) return `\`${forbidden}\` cannot be a scenario key`;

  const value = parseValue(argument.slice(eq + 1));
  if (value instanceof Error) return value.message;

  const written: KeyPath = [];
  let node: unknown = target;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const where = written.length === 0 ? 'the scenario' : `\`${written.join('.')}\``;
    let step: string | number;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(segment)) return `${where} is a list; expected an item index, found ${renderValue(segment)}`;
      step = Number(segment);
      if (step > node.length) {
        return `index ${step} is past the end of ${where}, which has ${node.length} item${node.length === 1 ? '' : 's'}`;
      }
    } else if (node !== null && typeof node === 'object') {
      step = segment;
    } else {
      return `cannot set \`${segment}\` inside ${where}, which is ${renderValue(node)}, not a mapping`;
    }
    written.push(step);
    const container = node as Record<string | number, unknown>;
    if (last) {
      container[step] = value;
    } else {
      // Missing (or null, as in `network:` with nothing after it) parents are created: a
      // list when the next segment is an index, a mapping otherwise.
      if (container[step] === undefined || container[step] === null) {
        container[step] = /^\d+$/.test(segments[i + 1]!) ? [] : {};
      }
      node = container[step];
    }
  }
  return written;
}

/**
 * A YAML scalar or flow collection. A block collection (`a: b`, `- x`) is not what anyone
 * means on a command line, so such text stays a string.
 */
function parseValue(text: string): unknown {
  const parsed = parseYaml(text);
  if ('nesting' in parsed) return new Error(parsed.nesting.message);
  const first = parsed.problems[0];
  if (first !== undefined) return new Error(`the value is not valid YAML: ${first.message.split('\n')[0]!}`);
  const contents = parsed.parsed.doc.contents;
  if ((isMap(contents) || isSeq(contents)) && !contents.flow) return text;
  const data = yamlToData(parsed.parsed.doc);
  return 'problem' in data ? new Error(data.problem.message) : data.value;
}

/** The override that last wrote `path` or one of its parents, if any. */
export function overrideCovering(applied: readonly AppliedOverride[], path: KeyPath): AppliedOverride | undefined {
  for (let i = applied.length - 1; i >= 0; i--) {
    const candidate = applied[i]!;
    if (candidate.path.length <= path.length && candidate.path.every((s, j) => String(s) === String(path[j]))) {
      return candidate;
    }
  }
  return undefined;
}

/** Overrides written under `path` (a problem about a parent may stem from them). */
export function overridesBelow(applied: readonly AppliedOverride[], path: KeyPath): AppliedOverride[] {
  return applied.filter(
    (candidate) => candidate.path.length > path.length && path.every((s, j) => String(s) === String(candidate.path[j])),
  );
}
