/**
 * Diurnal arrivals: a non-homogeneous Poisson process with a sinusoidal rate (per second)
 * rate(t) = rate·(1 + amplitude·sin(2π(t + phase)/period)), t, phase and period in ms.
 * Its mean over a period is `rate`.
 *
 * Method: thinning (Lewis & Shedler, "Simulation of nonhomogeneous Poisson processes by
 * thinning", Naval Res. Logist. Q. 26(3), 1979). Candidates come from a homogeneous Poisson
 * process at the peak rate rate·(1 + amplitude); a candidate at t is kept with probability
 * rate(t)/peak, i.e. when U·(1 + amplitude) < 1 + amplitude·sin(…).
 * Cost per arrival: (1 + amplitude) candidates on average, each one uniform and one log for
 * the gap plus one uniform and one sin for the test; amplitude 0 skips the test.
 */
import type { RngStream } from '../../engine/rng.js';
import type { ArrivalSpec } from '../../scenario/schema.js';
import { MS_PER_S } from './types.js';

export type DiurnalArrivalSpec = Extract<ArrivalSpec, { kind: 'diurnal' }>;

const TWO_PI = 2 * Math.PI;

export class DiurnalArrivals {
  private now = 0;
  /** Mean candidate gap in ms, at the peak rate. */
  private readonly peakGap: number;
  private readonly amplitude: number;
  private readonly peakFactor: number;
  private readonly period: number;
  private readonly phase: number;

  constructor(
    spec: DiurnalArrivalSpec,
    private readonly rng: RngStream,
  ) {
    if (!(spec.rate > 0 && spec.amplitude >= 0 && spec.amplitude <= 1 && spec.period > 0 && Number.isFinite(spec.phase))) {
      throw new RangeError(
        `diurnal arrivals: need rate > 0, 0 ≤ amplitude ≤ 1, period > 0, finite phase; got ${JSON.stringify(spec)}`,
      );
    }
    this.amplitude = spec.amplitude;
    this.peakFactor = 1 + spec.amplitude;
    this.peakGap = MS_PER_S / (spec.rate * this.peakFactor);
    this.period = spec.period;
    // Folded into [0, period) so that now + phase stays non-negative for the modulo below.
    this.phase = ((spec.phase % spec.period) + spec.period) % spec.period;
  }

  next(): number {
    for (;;) {
      this.now -= this.peakGap * Math.log(this.rng.nextOpen());
      if (this.amplitude === 0) return this.now;
      // Reduce modulo the period first: sin of a huge argument loses the phase's precision.
      const cycle = ((this.now + this.phase) % this.period) / this.period;
      const relativeRate = 1 + this.amplitude * Math.sin(TWO_PI * cycle);
      if (this.rng.next() * this.peakFactor < relativeRate) return this.now;
    }
  }
}
