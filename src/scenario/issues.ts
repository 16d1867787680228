/**
 * zod issues → human sentences. Each zod issue code becomes "expected …, found …" (or
 * "unknown key; did you mean …?", "required key missing; expected …"), worded from the schema
 * itself so messages stay right when the schema changes.
 */
import type { z } from 'zod';
import { closestMatch } from './suggest.js';
import { renderValue, valueAt } from './render-value.js';
import { allowedKeys, describeChoices, describeExpected, schemaAtPath } from './schema-walk.js';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;
export type KeyPath = (string | number)[];

/** One problem, still without a file position. `at: 'key'` points at the key, not its value. */
export interface IssueReport {
  readonly path: KeyPath;
  readonly message: string;
  readonly at: 'key' | 'value';
}

export function describeIssues(issues: readonly Issue[], root: Schema, input: unknown): IssueReport[] {
  return issues.flatMap((issue) => describeIssue(issue, [], root, input));
}

function describeIssue(issue: Issue, prefix: KeyPath, root: Schema, input: unknown): IssueReport[] {
  const path: KeyPath = [...prefix, ...issue.path.filter((k): k is string | number => typeof k !== 'symbol')];
  const value = valueAt(input, path);
  const present = isPresent(input, path);
  const schema = schemaAtPath(root, path, input);
  const expected = (schema && describeExpected(schema)) ?? fallbackExpected(issue);
  const report = (message: string, at: 'key' | 'value' = 'value'): IssueReport[] => [{ path, message, at }];

  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeys(schema, value);
      return issue.keys.map((key) => {
        const suggestion = closestMatch(key, allowed);
        const hint = suggestion
          ? `did you mean \`${suggestion}\`?`
          : allowed.length > 0
            ? `allowed keys: ${allowed.join(', ')}`
            : '';
        return { path: [...path, key], message: hint ? `unknown key; ${hint}` : 'unknown key', at: 'key' as const };
      });
    }
    case 'invalid_union': {
      if (issue.discriminator !== undefined) {
        // `undefined` is a tag only of optional discriminators (a plug-in balancer has no `kind`):
        // not something to suggest writing.
        const options = ('options' in issue ? (issue.options ?? []) : []).filter((option) => option !== undefined);
        return report(choiceMessage(options, value, present));
      }
      // A plain union (a duration is a number or a string): if exactly one branch accepted the
      // value's type, its complaint is the useful one.
      const typeMatched = issue.errors.filter((branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (typeMatched.length === 1) {
        return typeMatched[0]!.flatMap((inner) => describeIssue(inner, path, root, input));
      }
      return report(present ? `expected ${expected}, found ${renderValue(value)}` : `required key missing; expected ${expected}`);
    }
    case 'invalid_type':
      if (!present) return report(`required key missing; expected ${expected}`);
      return report(`expected ${expected}, found ${renderValue(value)}`);
    case 'invalid_value':
      return report(choiceMessage(issue.values, value, present));
    case 'custom': {
      const params = issue.params as { found?: unknown; defaulted?: unknown } | undefined;
      const found = params?.found;
      // A rule broken by a default the file leaves in place: say which value that was.
      const defaulted = !present && typeof params?.defaulted === 'string' ? `nothing, so the default ${params.defaulted}` : undefined;
      return report(`expected ${issue.message}, found ${typeof found === 'string' ? found : (defaulted ?? renderValue(value))}`);
    }
    case 'too_small':
    case 'too_big':
    case 'invalid_format':
    case 'not_multiple_of':
      return report(`expected ${expected}, found ${renderValue(value)}`);
    default:
      return report(issue.message);
  }
}

/** For enum values and union tags: list what is allowed, and suggest the nearest. */
function choiceMessage(options: readonly unknown[], value: unknown, present: boolean): string {
  const choices = describeChoices(options);
  if (!present) return `required key missing; expected ${choices}`;
  let message = `expected ${choices}, found ${renderValue(value)}`;
  if (typeof value === 'string') {
    const suggestion = closestMatch(value, options.map(String));
    if (suggestion !== undefined) message += `; did you mean \`${suggestion}\`?`;
  }
  return message;
}

/** Whether the key at the end of `path` exists (with any value, even null). */
function isPresent(input: unknown, path: KeyPath): boolean {
  if (path.length === 0) return input !== undefined;
  const parent = valueAt(input, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, path[path.length - 1]!);
}

/** Wording from the issue alone, for paths the schema walk cannot follow. */
function fallbackExpected(issue: Issue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `a value of type ${issue.expected}`;
    case 'too_small':
      return `a ${issue.origin} ${issue.inclusive ? 'of at least' : 'greater than'} ${String(issue.minimum)}`;
    case 'too_big':
      return `a ${issue.origin} ${issue.inclusive ? 'of at most' : 'less than'} ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}
