/**
 * Reads the scenario schema as data, to word error messages: which schema governs a key path
 * (following the discriminated-union branch the input selected), which keys an object allows,
 * and what a schema accepts in plain English ("a positive integer").
 *
 * zod 4 exposes schema definitions through `_zod.def`; the few shapes used here are typed
 * locally so the rest of the loader stays free of `any`.
 */
import type { z } from 'zod';
import { expectedText } from './expected-text.js';

type Schema = z.core.$ZodType;

interface CheckDef {
  check: string;
  value?: unknown;
  inclusive?: boolean;
  minimum?: number;
  maximum?: number;
  format?: string;
}

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
  keyType?: Schema;
  valueType?: Schema;
  entries?: Record<string, string | number>;
  values?: unknown[];
  checks?: { _zod: { def: CheckDef } }[];
  format?: string;
}

function defOf(schema: Schema): Def {
  return schema._zod.def as unknown as Def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** The schema with optional/default/pipe wrappers removed (pipes: the input side). */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (WRAPPERS.has(def.type) && def.innerType) s = def.innerType;
    else if (def.type === 'pipe' && def.in) s = def.in;
    else if (def.type === 'lazy') s = (s as unknown as { _zod: { innerType: Schema } })._zod.innerType;
    else return s;
  }
}

/** For a discriminated union, the branch that `input` selects by its discriminator value. */
function selectBranch(union: Schema, input: unknown): Schema | undefined {
  const def = defOf(union);
  if (def.discriminator === undefined || input === null || typeof input !== 'object') return undefined;
  const tag = (input as Record<string, unknown>)[def.discriminator];
  return def.options?.find((option) => {
    const field = defOf(unwrap(option)).shape?.[def.discriminator!];
    return field !== undefined && (defOf(unwrap(field)).values ?? []).includes(tag);
  });
}

/**
 * The schema that validates the value at `path`, given the whole `input` (to pick union
 * branches); undefined when the path leaves the schema (unknown keys, unselected branches).
 */
export function schemaAtPath(root: Schema, path: readonly PropertyKey[], input: unknown): Schema | undefined {
  let schema: Schema | undefined = root;
  let value = input;
  for (const key of path) {
    if (schema === undefined) return undefined;
    schema = childSchema(unwrap(schema), key, value);
    value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  return schema;
}

function childSchema(schema: Schema, key: PropertyKey, value: unknown): Schema | undefined {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return def.shape?.[String(key)];
    case 'array':
      return def.element;
    case 'record':
      return def.valueType;
    case 'union': {
      const branch = selectBranch(schema, value);
      if (branch) return childSchema(unwrap(branch), key, value);
      // Plain union: the first branch that knows the key.
      for (const option of def.options ?? []) {
        const child = childSchema(unwrap(option), key, value);
        if (child) return child;
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Keys an object schema at this point allows (the selected branch for unions). */
export function allowedKeys(schema: Schema | undefined, value: unknown): string[] {
  if (schema === undefined) return [];
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.type === 'object') return Object.keys(def.shape ?? {});
  // A record keyed by an enum (`faultSpace.kinds`): its keys are the enum's values.
  if (def.type === 'record') return allowedValues(def.keyType).map(String);
  if (def.type === 'union') {
    const branch = selectBranch(s, value);
    return branch ? allowedKeys(branch, value) : [];
  }
  return [];
}

/** The values a discriminator, enum or literal accepts, in schema order. */
export function allowedValues(schema: Schema | undefined): unknown[] {
  if (schema === undefined) return [];
  const def = defOf(unwrap(schema));
  if (def.type === 'enum') return Object.values(def.entries ?? {});
  if (def.type === 'literal') return def.values ?? [];
  if (def.type === 'union') return (def.options ?? []).flatMap((o) => allowedValues(o));
  return [];
}

/** `one of \`a\`, \`b\`` / `\`a\`` for a list of allowed literal values. */
export function describeChoices(values: readonly unknown[]): string {
  const shown = values.map((v) => `\`${String(v)}\``);
  return shown.length === 1 ? shown[0]! : `one of ${shown.join(', ')}`;
}

/** What the schema accepts, worded for a person: "a positive integer", "a non-empty list". */
export function describeExpected(schema: Schema): string | undefined {
  const registered = expectedText.get(schema)?.expected;
  if (registered !== undefined) return registered;
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) {
    const inner = describeExpected(def.innerType);
    return def.type === 'nullable' && inner ? `${inner} or null` : inner;
  }
  if (def.type === 'pipe' && def.in) return describeExpected(def.in);
  const checks = (def.checks ?? []).map((c) => c._zod.def);
  switch (def.type) {
    case 'number':
      return describeNumber(def.format === 'safeint' || def.format === 'int32', checks);
    case 'string':
      return checks.some((c) => c.check === 'min_length' && (c.minimum ?? 0) >= 1) ? 'a non-empty string' : 'a string';
    case 'boolean':
      return 'true or false';
    case 'enum':
    case 'literal':
      return describeChoices(allowedValues(schema));
    case 'array': {
      const min = checks.find((c) => c.check === 'min_length')?.minimum ?? 0;
      return min >= 1 ? 'a non-empty list' : 'a list';
    }
    case 'object':
      return 'a mapping';
    case 'union': {
      if (def.discriminator !== undefined) return `a mapping with \`${def.discriminator}\``;
      const parts = (def.options ?? []).map(describeExpected);
      return parts.every((p) => p !== undefined) ? parts.join(' or ') : undefined;
    }
    default:
      return undefined;
  }
}

function describeNumber(integer: boolean, checks: CheckDef[]): string {
  const noun = integer ? 'integer' : 'number';
  const a = integer ? 'an' : 'a';
  const lower = checks.find((c) => c.check === 'greater_than');
  const upper = checks.find((c) => c.check === 'less_than');
  const lo = lower ? Number(lower.value) : undefined;
  const hi = upper ? Number(upper.value) : undefined;
  if (lo !== undefined && hi !== undefined) {
    if (lower!.inclusive && upper!.inclusive) return `${a} ${noun} from ${lo} to ${hi}`;
    const from = lower!.inclusive ? 'of at least' : 'greater than';
    const to = upper!.inclusive ? 'at most' : 'less than';
    return `${a} ${noun} ${from} ${lo} and ${to} ${hi}`;
  }
  if (lo !== undefined) {
    if (lo === 0) return lower!.inclusive ? `a non-negative ${noun}` : `a positive ${noun}`;
    return lower!.inclusive ? `${a} ${noun} of at least ${lo}` : `${a} ${noun} greater than ${lo}`;
  }
  if (hi !== undefined) return upper!.inclusive ? `${a} ${noun} of at most ${hi}` : `${a} ${noun} less than ${hi}`;
  return `${a} ${noun}`;
}
