import { describe, expect, it } from 'vitest';
import { meanArrivalRate } from '../../../src/model/arrivals/index.js';
import { ksCritical, ksStatistic, Z } from '../stats.js';
import { arrivalsBefore } from './collect.js';

describe('poisson arrivals', () => {
  const spec = { kind: 'poisson', rate: 1000 } as const;

  it('has mean rate `rate` over 1000 s (count ~ Poisson(10⁶): 4 SE = ±4000)', () => {
    const horizonMs = 1_000_000;
    const count = arrivalsBefore(spec, horizonMs).length;
    const expected = (spec.rate * horizonMs) / 1000;
    expect(meanArrivalRate(spec)).toBe(1000);
    expect(Math.abs(count - expected)).toBeLessThan(Z * Math.sqrt(expected));
  });

  it('has exponential gaps with mean 1000/rate ms (KS, n = 10⁵, α = 0.001)', () => {
    const times = arrivalsBefore(spec, 100_000, 'poisson-gaps');
    const gaps = new Float64Array(times.length);
    let previous = 0;
    times.forEach((t, i) => {
      gaps[i] = t - previous;
      previous = t;
    });
    expect(ksStatistic(gaps, (x) => -Math.expm1(-x)) /* mean gap 1 ms */).toBeLessThan(ksCritical(gaps.length));
  });
});
