/**
 * Random variates for times (service times, network latency), in milliseconds.
 *
 * `createSampler` binds a distribution to one random stream. `distributionMoments` needs no
 * stream: the scenario loader uses it to check utilisation before anything runs.
 */
import type { RngStream } from '../../engine/rng.js';
import type { DistributionSpec } from '../../scenario/schema.js';
import { formatDuration } from '../../scenario/duration.js';
import { ConstantSampler, constantMoments } from './constant.js';
import { EmpiricalSampler, empiricalMoments, empiricalValues } from './empirical.js';
import { ExponentialSampler, exponentialMoments } from './exponential.js';
import { GammaSampler, gammaMoments } from './gamma.js';
import { HyperexponentialSampler, hyperexponentialMoments } from './hyperexponential.js';
import { LognormalSampler, lognormalMoments } from './lognormal.js';
import type { Moments } from './moments.js';
import { ParetoSampler, paretoMoments } from './pareto.js';
import { UniformSampler, uniformMoments } from './uniform.js';

export type { Moments } from './moments.js';
export { h2Parameters, type H2Parameters } from './hyperexponential.js';
export { lognormalSigma } from './lognormal.js';
export { paretoScale } from './pareto.js';

export interface Sampler {
  /** One variate, in ms. */
  sample(): number;
  /** E[X] in ms. */
  readonly mean: number;
  /** Var[X] in ms²; Infinity for heavy tails without a second moment. */
  readonly variance: number;
}

export function createSampler(spec: DistributionSpec, rng: RngStream): Sampler {
  switch (spec.dist) {
    case 'constant':
      return new ConstantSampler(spec);
    case 'exponential':
      return new ExponentialSampler(spec, rng);
    case 'lognormal':
      return new LognormalSampler(spec, rng);
    case 'gamma':
      return new GammaSampler(spec, rng);
    case 'hyperexponential':
      return new HyperexponentialSampler(spec, rng);
    case 'pareto':
      return new ParetoSampler(spec, rng);
    case 'uniform':
      return new UniformSampler(spec, rng);
    case 'empirical':
      return new EmpiricalSampler(spec, rng);
    default:
      return unknownDistribution(spec);
  }
}

export function distributionMoments(spec: DistributionSpec): Moments {
  switch (spec.dist) {
    case 'constant':
      return constantMoments(spec);
    case 'exponential':
      return exponentialMoments(spec);
    case 'lognormal':
      return lognormalMoments(spec);
    case 'gamma':
      return gammaMoments(spec);
    case 'hyperexponential':
      return hyperexponentialMoments(spec);
    case 'pareto':
      return paretoMoments(spec);
    case 'uniform':
      return uniformMoments(spec);
    case 'empirical':
      return empiricalMoments(spec);
    default:
      return unknownDistribution(spec);
  }
}

/** A short label such as `exponential(mean=10ms)`, for tables and chart legends. */
export function describeDistribution(spec: DistributionSpec): string {
  const ms = formatDuration;
  switch (spec.dist) {
    case 'constant':
      return `constant(${ms(spec.value)})`;
    case 'exponential':
      return `exponential(mean=${ms(spec.mean)})`;
    case 'lognormal':
      return `lognormal(median=${ms(spec.median)}, p99=${ms(spec.p99)})`;
    case 'gamma':
      return `gamma(mean=${ms(spec.mean)}, scv=${spec.scv})`;
    case 'hyperexponential':
      return `hyperexponential(mean=${ms(spec.mean)}, scv=${spec.scv})`;
    case 'pareto':
      return `pareto(mean=${ms(spec.mean)}, shape=${spec.shape})`;
    case 'uniform':
      return `uniform(${ms(spec.min)}..${ms(spec.max)})`;
    case 'empirical': {
      const source = spec.file ?? 'inline';
      if (spec.values === undefined) return `empirical(${source})`;
      return `empirical(${source}, n=${empiricalValues(spec).length}, mean=${ms(empiricalMoments(spec).mean)})`;
    }
    default:
      return unknownDistribution(spec);
  }
}

function unknownDistribution(spec: never): never {
  throw new Error(`unknown distribution: ${JSON.stringify(spec)}`);
}
