/**
 * Empirical distribution: resamples the recorded values (ms) uniformly with replacement, the
 * bootstrap of Efron (1979). Its moments are those of the values as a population: the mean
 * and the variance with divisor n, not n − 1, because that is what resampling reproduces.
 *
 * Method: index = ⌊n·U⌋. Cost per sample: one uniform, one typed-array read.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import type { Moments } from './moments.js';

export type EmpiricalSpec = Extract<DistributionSpec, { dist: 'empirical' }>;

/** The values in ms; the scenario loader fills `values` from `file`. */
export function empiricalValues(spec: EmpiricalSpec): readonly number[] {
  if (spec.values === undefined || spec.values.length === 0) {
    const source = spec.file === undefined ? '' : ` from ${spec.file}`;
    throw new Error(`empirical distribution: no values loaded${source} (the scenario loader fills \`values\`)`);
  }
  return spec.values;
}

export function empiricalMoments(spec: EmpiricalSpec): Moments {
  const values = empiricalValues(spec);
  const n = values.length;
  let sum = 0;
  for (const x of values) sum += x;
  const mean = sum / n;
  // Two passes: the one-pass Σx² − n·mean² formula cancels badly when the spread is small.
  let squares = 0;
  for (const x of values) squares += (x - mean) * (x - mean);
  return { mean, variance: squares / n };
}

export class EmpiricalSampler {
  readonly mean: number;
  readonly variance: number;
  private readonly values: Float64Array;

  constructor(
    spec: EmpiricalSpec,
    private readonly rng: RngStream,
  ) {
    const moments = empiricalMoments(spec);
    this.mean = moments.mean;
    this.variance = moments.variance;
    this.values = Float64Array.from(empiricalValues(spec));
  }

  sample(): number {
    return this.values[this.rng.int(this.values.length)]!;
  }
}
