/**
 * Guard clauses shared by the `resolve…Config` functions of src/detect and src/recovery.
 * Each throws a RangeError that names the mechanism and the field, so a bad value reads the
 * same whether it came from a scenario file or a library call.
 */

/** A finite number ≥ 0 (durations in ms, ratios). */
export function checkNonNegative(owner: string, field: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${owner}: ${field} must be a finite number ≥ 0, got ${String(value)}`);
  }
}

/** A finite number > 0. */
export function checkPositive(owner: string, field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${owner}: ${field} must be a finite number > 0, got ${String(value)}`);
  }
}

/** A safe integer ≥ min. */
export function checkInteger(owner: string, field: string, value: number, min: number): void {
  if (!(Number.isSafeInteger(value) && value >= min)) {
    throw new RangeError(`${owner}: ${field} must be an integer ≥ ${min}, got ${String(value)}`);
  }
}

/** A percentage in [0, 100]. */
export function checkPercent(owner: string, field: string, value: number): void {
  if (!(value >= 0 && value <= 100)) {
    throw new RangeError(`${owner}: ${field} must be a percentage in [0, 100], got ${String(value)}`);
  }
}

/** A number in [min, max]. */
export function checkRange(owner: string, field: string, value: number, min: number, max: number): void {
  if (!(value >= min && value <= max)) {
    throw new RangeError(`${owner}: ${field} must be in [${min}, ${max}], got ${String(value)}`);
  }
}

export function checkBoolean(owner: string, field: string, value: boolean): void {
  if (typeof value !== 'boolean') throw new RangeError(`${owner}: ${field} must be true or false, got ${String(value)}`);
}

/** Times passed to a mechanism never go backwards. */
export function checkTime(owner: string, now: number, last: number): void {
  if (!(now >= last)) throw new RangeError(`${owner}: time went backwards (${String(now)} after ${String(last)})`);
}
