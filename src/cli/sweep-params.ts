/**
 * `--param PATH=V1,V2,…`: one swept scenario path and its values. The path is any dotted
 * scenario path `--set` takes; each value is YAML text exactly as a `--set` value, so cells are
 * validated by the scenario loader like any override. Items are separated by commas outside
 * brackets, braces and quotes, so flow values work: `--param 'balancer={kind: random},{kind: round_robin}'`.
 */
import { isMap, isSeq, parseDocument } from 'yaml';
import type { SweepParam } from '../sweep/types.js';
import { UsageError } from './errors.js';
import { splitTopLevel } from './flag-lists.js';

/** A parsed `--param`: the values as parsed data and as the text each cell passes to `--set`. */
export interface ParamFlag extends SweepParam {
  /** The flag as typed, for messages. */
  flag: string;
  texts: string[];
}

/** A `--set` value as data: YAML scalars and flow collections; block text stays a string. */
function parseValue(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false });
  const error = doc.errors[0];
  if (error !== undefined) throw new Error(error.message.split('\n')[0]!);
  const contents = doc.contents;
  if ((isMap(contents) || isSeq(contents)) && !contents.flow) return text;
  return doc.toJS() as unknown;
}

function parseOne(flag: string): ParamFlag | string {
  const where = `--param ${flag}`;
  const eq = flag.indexOf('=');
  if (eq < 0) return `${where}: expected PATH=V1,V2,…, such as arrivals.rate=400,500,600`;
  const path = flag.slice(0, eq).trim();
  if (path === '' || path.split('.').some((s) => s.trim() === '')) {
    return `${where}: expected a dotted scenario path before \`=\`, such as arrivals.rate`;
  }
  const texts = splitTopLevel(flag.slice(eq + 1));
  const values: unknown[] = [];
  const seen = new Set<string>();
  for (const text of texts) {
    if (text === '') return `${where}: an empty value; expected values separated by commas, such as ${path}=1,2,3`;
    let value: unknown;
    try {
      value = parseValue(text);
    } catch (error) {
      return `${where}: the value ${text} is not valid YAML: ${(error as Error).message}`;
    }
    const key = JSON.stringify(value);
    if (seen.has(key)) return `${where}: the value ${text} is listed twice`;
    seen.add(key);
    values.push(value);
  }
  return { flag, path, values, texts };
}

/** Every `--param` flag; all problems are reported together as one UsageError. */
export function parseParamFlags(flags: readonly string[]): ParamFlag[] {
  const params: ParamFlag[] = [];
  const problems: string[] = [];
  for (const flag of flags) {
    const outcome = parseOne(flag);
    if (typeof outcome === 'string') {
      problems.push(outcome);
    } else if (params.some((p) => p.path === outcome.path)) {
      problems.push(`--param ${flag}: ${outcome.path} is already swept by another --param; list all its values in one`);
    } else {
      params.push(outcome);
    }
  }
  if (flags.length === 0) problems.push('sweep needs at least one --param PATH=V1,V2,…, such as --param arrivals.rate=400,500,600');
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return params;
}

/** `--shard I/N` with 1 ≤ I ≤ N; undefined input means the whole grid. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count && Number.isSafeInteger(count))) {
    throw new UsageError(`--shard expects I/N with 1 ≤ I ≤ N, such as 2/4; found "${text}"`);
  }
  return { index, count };
}
