import { describe, expect, it } from 'vitest';
import { centralFromRaw, chiSquareCritical, gammaP, lnGamma, normalCdf } from './stats.js';

// The tests of the samplers lean on these; a wrong CDF would make a KS test meaningless.
describe('test statistics helpers', () => {
  it('lnGamma matches factorials and Γ(½) = √π', () => {
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(lnGamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
  });

  it('gammaP is the exponential CDF at a = 1 and the Erlang CDF at a = 3', () => {
    for (const x of [0.01, 0.5, 1, 2, 5, 20]) {
      expect(gammaP(1, x)).toBeCloseTo(-Math.expm1(-x), 13);
      expect(gammaP(3, x)).toBeCloseTo(1 - Math.exp(-x) * (1 + x + (x * x) / 2), 13);
    }
  });

  it('normalCdf gives the familiar quantiles', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 13);
    expect(normalCdf(2.3263478740408408)).toBeCloseTo(0.99, 13);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 13);
  });

  it('central moments of Exp(1) from raw moments: variance 1, fourth 9', () => {
    const c = centralFromRaw([1, 2, 6, 24]);
    expect(c.variance).toBe(1);
    expect(c.fourth).toBe(9);
  });

  it('chi-square critical values are close to tables', () => {
    // Tabulated upper 0.001 points: 29.588 (10 dof), 51.179 (24 dof), 86.661 (50 dof).
    expect(chiSquareCritical(10)).toBeCloseTo(29.588, 0);
    expect(chiSquareCritical(24)).toBeCloseTo(51.179, 0);
    expect(chiSquareCritical(50)).toBeCloseTo(86.661, 0);
  });
});
