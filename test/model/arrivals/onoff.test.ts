import { describe, expect, it } from 'vitest';
import { meanArrivalRate } from '../../../src/model/arrivals/index.js';
import { Z } from '../stats.js';
import { arrivalsBefore } from './collect.js';

describe('on/off arrivals (MMPP-2)', () => {
  it('long-run rate (rate·on + offRate·off)/(on + off), exponential periods (4 SE with the MMPP dispersion)', () => {
    // on 10 ms at 2000/s, off 40 ms at 200/s → λ̄ = (20 + 8)/50 ms = 560/s.
    const spec = { kind: 'onoff', rate: 2000, offRate: 200, on: 10, off: 40, periods: 'exponential' } as const;
    expect(meanArrivalRate(spec)).toBeCloseTo(560, 12);
    // Var N(T) ≈ λ̄T·I with the asymptotic index of dispersion of an MMPP-2
    // I = 1 + 2(λ₁ − λ₂)²r₁r₂/((r₁ + r₂)²(λ₁r₂ + λ₂r₁)), rᵢ the rates of leaving each state
    // (Heffes & Lucantoni, IEEE JSAC 4(6), 1986). Here r₁ = 100/s, r₂ = 25/s, so I ≈ 15.8.
    const r1 = 100;
    const r2 = 25;
    const dispersion = 1 + (2 * 1800 ** 2 * r1 * r2) / ((r1 + r2) ** 2 * (2000 * r2 + 200 * r1));
    const horizonS = 2000;
    const expected = 560 * horizonS;
    const count = arrivalsBefore(spec, horizonS * 1000).length;
    expect(Math.abs(count - expected)).toBeLessThan(Z * Math.sqrt(expected * dispersion));
  });

  it('fixed periods with offRate 0: nothing arrives while off, and the count is Poisson(rate·on per cycle)', () => {
    const spec = { kind: 'onoff', rate: 1000, offRate: 0, on: 30, off: 70, periods: 'fixed' } as const;
    expect(meanArrivalRate(spec)).toBeCloseTo(300, 12);
    const cycles = 10_000;
    const times = arrivalsBefore(spec, cycles * 100);
    let duringOff = 0;
    for (const t of times) if (t % 100 >= 30) duringOff++;
    expect(duringOff).toBe(0);
    // Over whole cycles the on time is exactly 300 s, so the count is Poisson with mean 3·10⁵.
    const expected = 300 * cycles * 0.1;
    expect(Math.abs(times.length - expected)).toBeLessThan(Z * Math.sqrt(expected));
  });

  it('fixed periods with a non-zero offRate: each state gets its own rate (4 SE per state)', () => {
    const spec = { kind: 'onoff', rate: 1000, offRate: 100, on: 30, off: 70, periods: 'fixed' } as const;
    const cycles = 10_000;
    const times = arrivalsBefore(spec, cycles * 100, 'onoff-fixed');
    let inOn = 0;
    for (const t of times) if (t % 100 < 30) inOn++;
    const expectedOn = 1000 * 0.03 * cycles;
    const expectedOff = 100 * 0.07 * cycles;
    expect(Math.abs(inOn - expectedOn)).toBeLessThan(Z * Math.sqrt(expectedOn));
    expect(Math.abs(times.length - inOn - expectedOff)).toBeLessThan(Z * Math.sqrt(expectedOff));
  });

  it('exponential periods with offRate 0: long-run rate rate·on/(on + off)', () => {
    // r₁ = r₂ = 20/s, λ₁ = 500, λ₂ = 0: I = 1 + 2·500²·400/(40²·10⁴) = 13.5.
    const spec = { kind: 'onoff', rate: 500, offRate: 0, on: 50, off: 50, periods: 'exponential' } as const;
    const horizonS = 2000;
    const expected = meanArrivalRate(spec) * horizonS;
    expect(meanArrivalRate(spec)).toBe(250);
    const count = arrivalsBefore(spec, horizonS * 1000, 'onoff-zero').length;
    expect(Math.abs(count - expected)).toBeLessThan(Z * Math.sqrt(expected * 13.5));
  });
});
