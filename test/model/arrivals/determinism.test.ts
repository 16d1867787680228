import { describe, expect, it } from 'vitest';
import { RngStream } from '../../../src/engine/rng.js';
import { createArrivalProcess } from '../../../src/model/arrivals/index.js';
import type { ArrivalSpec } from '../../../src/scenario/schema.js';

const specs: ArrivalSpec[] = [
  { kind: 'poisson', rate: 100 },
  { kind: 'onoff', rate: 100, offRate: 10, on: 50, off: 100, periods: 'exponential' },
  { kind: 'diurnal', rate: 100, amplitude: 0.5, period: 60_000, phase: 0 },
];

function first(spec: ArrivalSpec, seed: string): number[] {
  const process = createArrivalProcess(spec, new RngStream(seed));
  return Array.from({ length: 1000 }, () => process.next());
}

describe('arrival processes are deterministic', () => {
  for (const spec of specs) {
    it(`${spec.kind}: same seed string, same times; another seed, other times`, () => {
      expect(first(spec, 'meshsim/7/0/arrivals')).toEqual(first(spec, 'meshsim/7/0/arrivals'));
      expect(first(spec, 'meshsim/7/1/arrivals')).not.toEqual(first(spec, 'meshsim/7/0/arrivals'));
    });
  }
});
