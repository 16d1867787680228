/**
 * Standard normal variates for the samplers that need them (lognormal, gamma).
 *
 * Method: Box–Muller transform (Box & Muller, "A note on the generation of random normal
 * deviates", Ann. Math. Statist. 29, 1958). One pair of uniforms yields two independent
 * normals; the second is cached, so the cost is exactly one uniform per normal.
 *
 * Cost per variate (amortised): one uniform, ½ log, ½ sqrt, ½ (sin + cos). No allocation.
 *
 * Why Box–Muller rather than the polar method: a fixed number of draws per variate keeps
 * streams aligned across scenarios run under common random numbers.
 */
import type { RngStream } from '../../engine/rng.js';

const TWO_PI = 2 * Math.PI;

export class StandardNormal {
  private spare = 0;
  private hasSpare = false;

  constructor(private readonly rng: RngStream) {}

  next(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    // nextOpen() is in (0, 1], so the logarithm is finite; the radius is at most ~8.6.
    const radius = Math.sqrt(-2 * Math.log(this.rng.nextOpen()));
    const angle = TWO_PI * this.rng.next();
    this.spare = radius * Math.sin(angle);
    this.hasSpare = true;
    return radius * Math.cos(angle);
  }
}
