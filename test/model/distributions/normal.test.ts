import { describe, expect, it } from 'vitest';
import { RngStream } from '../../../src/engine/rng.js';
import { StandardNormal } from '../../../src/model/distributions/normal.js';
import { CountingRng, drawMany, ksCritical, ksStatistic, normalCdf, Z } from '../stats.js';

describe('StandardNormal (Box–Muller with the second value cached)', () => {
  it('passes Kolmogorov–Smirnov against Φ (n = 10⁵, α = 0.001)', () => {
    const normal = new StandardNormal(new RngStream('normal-ks'));
    const d = ksStatistic(drawMany(() => normal.next(), 100_000), normalCdf);
    expect(d).toBeLessThan(ksCritical(100_000));
  });

  it('gives uncorrelated consecutive values, including the cached partner (n = 10⁶ pairs)', () => {
    // The two values of a pair share the radius; only cos/sin of the same angle makes them
    // independent. For independent N(0,1) pairs, SE of the mean of products is 1/√n, and the
    // product of squares has mean 1 and variance E[Z⁴]² − 1 = 8.
    const n = 1_000_000;
    const normal = new StandardNormal(new RngStream('normal-pairs'));
    let sumProducts = 0;
    let sumSquareProducts = 0;
    for (let i = 0; i < n; i++) {
      const a = normal.next();
      const b = normal.next();
      sumProducts += a * b;
      sumSquareProducts += a * a * b * b;
    }
    expect(Math.abs(sumProducts / n)).toBeLessThan(Z / Math.sqrt(n));
    expect(Math.abs(sumSquareProducts / n - 1)).toBeLessThan((Z * Math.sqrt(8)) / Math.sqrt(n));
  });

  it('takes one uniform per value', () => {
    const rng = new CountingRng('normal-draws');
    const normal = new StandardNormal(rng);
    for (let i = 0; i < 1001; i++) normal.next();
    expect(rng.draws).toBe(1002);
  });
});
