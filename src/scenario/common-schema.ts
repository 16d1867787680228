/**
 * Schema pieces shared by the scenario's parts: durations, and guards for cross-field rules.
 */
import { z } from 'zod';
import { DURATION_UNITS, parseDuration } from './duration.js';
import { expectedText } from './expected-text.js';

const DURATION_PATTERN = '^\\s*(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?\\s*(ns|us|µs|ms|s|min|m|h)\\s*$';

// Guards for cross-field rules, which zod also runs on values that failed their own checks.
export function isNonNegative(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0;
}
export function isPositive(x: unknown): x is number {
  return isNonNegative(x) && x > 0;
}

/** A duration: a number of milliseconds, or a string with a unit such as `250us` or `30s`. */
export const duration = z
  .union([
    z.number().nonnegative(),
    z.string().regex(new RegExp(DURATION_PATTERN), `a duration such as "250us", "10ms" or "30s" (units: ${DURATION_UNITS})`),
  ])
  .transform((v) => (typeof v === 'number' ? v : parseDuration(v)!))
  .describe('milliseconds as a number, or a string with a unit (ns, us, ms, s, m, h)')
  .register(expectedText, {
    expected: `a duration such as "250us", "10ms" or "30s" (units ${DURATION_UNITS}; a number means ms)`,
  });

export const positiveDuration = duration.refine((ms) => ms > 0, 'a duration greater than zero').register(expectedText, {
  expected: `a positive duration such as "250us", "10ms" or "30s" (units ${DURATION_UNITS}; a number means ms)`,
});

