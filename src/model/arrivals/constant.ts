/**
 * Deterministic arrivals: one every 1000/rate ms, the first one gap after time 0.
 *
 * The k-th time is computed as k·gap rather than by summing gaps, so rounding does not drift
 * over millions of arrivals. Cost per arrival: one multiply; no random draws.
 */
import type { ArrivalSpec } from '../../scenario/schema.js';
import { MS_PER_S } from './types.js';

export type ConstantArrivalSpec = Extract<ArrivalSpec, { kind: 'constant' }>;

export class ConstantArrivals {
  private count = 0;
  private readonly gap: number;

  constructor(spec: ConstantArrivalSpec) {
    if (!(spec.rate > 0)) throw new RangeError(`constant arrivals: rate must be positive, got ${spec.rate}`);
    this.gap = MS_PER_S / spec.rate;
  }

  next(): number {
    this.count += 1;
    return this.count * this.gap;
  }
}
