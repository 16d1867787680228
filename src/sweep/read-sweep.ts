/**
 * Reads sweep.json back (for `meshsim merge`), checking the shape enough that a wrong or
 * damaged file gets a clear message instead of a crash later. Metric values read back as
 * numbers or null (NaN written as null), which getMetric reads as NaN.
 */
import type { SweepResult } from './types.js';

export class SweepFileError extends Error {
  override readonly name = 'SweepFileError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseSweepJson(text: string, file: string): SweepResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SweepFileError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const fail = (what: string): never => {
    throw new SweepFileError(`${file}: not a meshsim sweep result: ${what}`);
  };
  if (!isRecord(value)) return fail('expected a JSON object');
  for (const key of ['meshsimVersion', 'scenario'] as const) {
    if (typeof value[key] !== 'string') fail(`\`${key}\` is missing or not a string`);
  }
  for (const key of ['seed', 'replications'] as const) {
    if (typeof value[key] !== 'number') fail(`\`${key}\` is missing or not a number`);
  }
  if (!Array.isArray(value['params']) || !value['params'].every((p) => isRecord(p) && typeof p['path'] === 'string' && Array.isArray(p['values']))) {
    fail('`params` must be a list of {path, values}');
  }
  if (!Array.isArray(value['strategies'])) fail('`strategies` is missing');
  const shard = value['shard'];
  if (shard !== undefined && !(isRecord(shard) && Number.isInteger(shard['index']) && Number.isInteger(shard['count']))) {
    fail('`shard` must be {index, count}');
  }
  const cells = value['cells'];
  if (!Array.isArray(cells)) return fail('`cells` is missing');
  cells.forEach((cell, i) => {
    if (!isRecord(cell) || !Number.isInteger(cell['index']) || !isRecord(cell['params']) || !Array.isArray(cell['results']) || !Array.isArray(cell['instances'])) {
      fail(`cells[${i}] must have index, params, instances and results`);
    }
  });
  return value as unknown as SweepResult;
}
