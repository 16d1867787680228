/** Helpers for the arrival-process tests. */
import { expect } from 'vitest';
import { RngStream } from '../../../src/engine/rng.js';
import { createArrivalProcess } from '../../../src/model/arrivals/index.js';
import type { ArrivalSpec } from '../../../src/scenario/schema.js';

/**
 * Arrival times strictly before `horizon` ms, checking on the way that they never decrease.
 * Returns them in a typed array (the count is `times.length`).
 */
export function arrivalsBefore(spec: ArrivalSpec, horizon: number, seed = 'test/arrivals'): Float64Array {
  const process = createArrivalProcess(spec, new RngStream(seed));
  let times = new Float64Array(1 << 16);
  let count = 0;
  let previous = 0;
  let decreasing = 0;
  for (let t = process.next(); t < horizon; t = process.next()) {
    if (t < previous) decreasing++;
    previous = t;
    if (count === times.length) {
      const grown = new Float64Array(times.length * 2);
      grown.set(times);
      times = grown;
    }
    times[count++] = t;
  }
  expect(decreasing).toBe(0);
  return times.subarray(0, count);
}
