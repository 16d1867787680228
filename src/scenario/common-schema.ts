/**
 * Schema pieces shared by the scenario's parts: durations, and guards for cross-field rules.
 */
import { z } from 'zod';
import { DURATION_UNITS, parseDuration } from './duration.js';
import { expectedText } from './expected-text.js';
import { MAX_SIMULATED_MS, MAX_SIMULATED_REASON, MAX_SIMULATED_TEXT } from './limits.js';

const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?\\s*(ns|us|µs|ms|s|min|m|h)\\s*$';

// Guards for cross-field rules, which zod also runs on values that failed their own checks.
export function isNonNegative(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}
export function isPositive(x: unknown): x is number {
  return isNonNegative(x) && x > 0;
}

/**
 * A count the engine cannot take beyond `max` (src/scenario/limits.ts): the message gives the
 * reason, and the JSON Schema gets the `maximum`.
 */
export function countUpTo(max: number, reason: string) {
  const shown = max.toLocaleString('en-US');
  return z
    .int()
    .positive()
    .refine((n) => n <= max, `a positive integer of at most ${shown} (${reason})`)
    .meta({ maximum: max });
}

/** A duration: a number of milliseconds, or a string with a unit such as `250us` or `30s`. */
export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(new RegExp(DURATION_PATTERN), `a duration such as "250us", "10ms" or "30s" (units: ${DURATION_UNITS})`),
  ])
  .transform((v) => (typeof v === 'number' ? v : parseDuration(v)!))
  // A string such as "1e400s" parses to Infinity; the number branch refuses .inf itself.
  .refine((ms) => ms <= MAX_SIMULATED_MS, `a duration of at most ${MAX_SIMULATED_TEXT} (${MAX_SIMULATED_REASON})`)
  // Numbers only: JSON Schema's `maximum` leaves the string form alone.
  .meta({ maximum: MAX_SIMULATED_MS })
  .describe('milliseconds as a number, or a string with a unit (ns, us, ms, s, m, h)')
  .register(expectedText, {
    expected: `a duration such as "250us", "10ms" or "30s" (units ${DURATION_UNITS}; a number means ms)`,
  });

export const positiveDuration = duration.refine((ms) => ms > 0, 'a duration greater than zero').register(expectedText, {
  expected: `a positive duration such as "250us", "10ms" or "30s" (units ${DURATION_UNITS}; a number means ms)`,
});

