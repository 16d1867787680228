import { describe, expect, it } from 'vitest';
import { meanArrivalRate } from '../../../src/model/arrivals/index.js';
import { chiSquare, chiSquareCritical, Z } from '../stats.js';
import { arrivalsBefore } from './collect.js';

describe('diurnal arrivals (sinusoidal NHPP by thinning)', () => {
  const rate = 1000;
  const amplitude = 0.8;
  const period = 10_000;
  const phase = 2_500;
  const spec = { kind: 'diurnal', rate, amplitude, period, phase } as const;
  const cycles = 100;
  const buckets = 24;

  /** ∫ rate(t) dt over one bucket of phase, per second of rate: Λ_b = rate·(Δ + A·P/(2π)·(cos a − cos b))/1000. */
  function expectedPerBucket(): Float64Array {
    const out = new Float64Array(buckets);
    const width = period / buckets;
    for (let b = 0; b < buckets; b++) {
      const a0 = (2 * Math.PI * b) / buckets;
      const a1 = (2 * Math.PI * (b + 1)) / buckets;
      out[b] = (cycles * rate * (width + ((amplitude * period) / (2 * Math.PI)) * (Math.cos(a0) - Math.cos(a1)))) / 1000;
    }
    return out;
  }

  it('counts per phase bucket follow the sinusoid (χ², 24 independent Poisson counts, α = 0.001)', () => {
    const times = arrivalsBefore(spec, cycles * period);
    const counts = new Float64Array(buckets);
    for (const t of times) counts[Math.floor((((t + phase) % period) / period) * buckets)]!++;
    const expected = expectedPerBucket();
    // Counts in disjoint intervals of a Poisson process are independent Poisson variables, so
    // Σ(O − E)²/E is χ² with 24 degrees of freedom (none estimated).
    expect(chiSquare(counts, expected)).toBeLessThan(chiSquareCritical(buckets));
    // The peak bucket is 9× the trough one in expectation at amplitude 0.8.
    const peak = Math.max(...expected);
    const trough = Math.min(...expected);
    expect(peak / trough).toBeGreaterThan(8);
  });

  it('has mean rate `rate` over whole periods (count ~ Poisson(10⁶): 4 SE)', () => {
    const expected = (rate * cycles * period) / 1000;
    const count = arrivalsBefore(spec, cycles * period, 'diurnal-total').length;
    expect(meanArrivalRate(spec)).toBe(rate);
    expect(Math.abs(count - expected)).toBeLessThan(Z * Math.sqrt(expected));
  });

  it('reduces to Poisson at amplitude 0', () => {
    const count = arrivalsBefore({ ...spec, amplitude: 0 }, 100_000, 'diurnal-flat').length;
    expect(Math.abs(count - 100_000)).toBeLessThan(Z * Math.sqrt(100_000));
  });
});
