/**
 * Homogeneous Poisson arrivals at `rate` per second.
 *
 * Method: inter-arrival gaps are exponential with mean 1000/rate ms, drawn by inversion
 * (−mean·ln U, U on (0, 1]). The first arrival comes one gap after time 0.
 * Cost per arrival: one uniform, one log.
 */
import type { RngStream } from '../../engine/rng.js';
import type { ArrivalSpec } from '../../scenario/schema.js';
import { MS_PER_S } from './types.js';

export type PoissonArrivalSpec = Extract<ArrivalSpec, { kind: 'poisson' }>;

export class PoissonArrivals {
  private now = 0;
  private readonly meanGap: number;

  constructor(
    spec: PoissonArrivalSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.rate > 0)) throw new RangeError(`poisson arrivals: rate must be positive, got ${spec.rate}`);
    this.meanGap = MS_PER_S / spec.rate;
  }

  next(): number {
    this.now -= this.meanGap * Math.log(this.rng.nextOpen());
    return this.now;
  }
}
