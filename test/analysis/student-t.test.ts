import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalQuantile, studentTCdf, studentTQuantile } from '../../src/analysis/student-t.js';

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThanOrEqual(tolerance);
}

describe('studentTQuantile', () => {
  it('matches the printed t-table for t0.975 to 6 significant digits', () => {
    const table: Array<[number, number]> = [
      [1, 12.7062],
      [2, 4.3027],
      [4, 2.7764],
      [9, 2.2622],
      [29, 2.0452],
    ];
    for (const [df, t] of table) expectRelative(studentTQuantile(0.975, df), t, 5e-5);
    expectRelative(studentTQuantile(0.975, 1e9), 1.95996, 5e-6);
  });

  it('matches high-precision reference values (SciPy/mpmath) to 1e-10', () => {
    const references: Array<[df: number, p: number, t: number]> = [
      [1, 0.975, 12.706204736174694],
      [2, 0.975, 4.302652729749462],
      [4, 0.975, 2.7764451051977934],
      [9, 0.975, 2.262157162798205],
      [29, 0.975, 2.045229642132703],
      [1, 0.995, 63.656741162871526],
      [10, 0.95, 1.8124611228116756],
      [5, 0.99, 3.3649299989072174],
      [3, 0.999999, 103.29946777942898],
      [0.5, 0.9, 10.27032441023451],
      [1.5, 0.7, 0.6517954826023568],
      [100, 0.975, 1.9839715185235518],
      [1000, 0.975, 1.9623390808264081],
      [1e4, 0.975, 1.960201239890626],
      [1e6, 0.975, 1.959966356814107],
      [30, 1e-10, -9.377489780407144],
      [2, 0.6, 0.2886751345948128],
      [7, 0.5000001, 2.5974602742784955e-7], // mpmath; SciPy is off in the 10th digit here
      [1, 1e-300, -3.183098861837907e299],
      [50, 0.9999999999, 7.9482437244274005],
      [Infinity, 0.975, 1.959963984540054],
    ];
    for (const [df, p, t] of references) expectRelative(studentTQuantile(p, df), t, 1e-10);
  });

  it('is antisymmetric about the median and handles the end points', () => {
    for (const df of [1, 2, 3, 7.5, 40]) {
      for (const p of [0.001, 0.1, 0.3, 0.49]) {
        expect(studentTQuantile(p, df)).toBeCloseTo(-studentTQuantile(1 - p, df), 12);
      }
      expect(studentTQuantile(0.5, df)).toBe(0);
      expect(studentTQuantile(0, df)).toBe(-Infinity);
      expect(studentTQuantile(1, df)).toBe(Infinity);
    }
  });

  it('returns NaN outside its domain', () => {
    expect(studentTQuantile(-0.1, 3)).toBeNaN();
    expect(studentTQuantile(1.1, 3)).toBeNaN();
    expect(studentTQuantile(NaN, 3)).toBeNaN();
    expect(studentTQuantile(0.9, 0)).toBeNaN();
    expect(studentTQuantile(0.9, -2)).toBeNaN();
    expect(studentTQuantile(0.9, NaN)).toBeNaN();
  });

  it('inverts the CDF (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.2, max: 5000, noNaN: true }),
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        (df, p) => {
          const t = studentTQuantile(p, df);
          const back = studentTCdf(t, df);
          // Compare the smaller tail, where relative precision matters.
          const tail = Math.min(p, 1 - p);
          const backTail = p < 0.5 ? back : 1 - back;
          expect(Math.abs(backTail - tail)).toBeLessThanOrEqual(1e-9 * tail + 1e-15);
        },
      ),
    );
  });

  it('is continuous where it switches to the Cornish-Fisher expansion (df = 1e5)', () => {
    expectRelative(studentTQuantile(0.9, 99_999), 1.2815600315340214, 1e-10);
    expectRelative(studentTQuantile(0.9, 100_001), 1.2815600313647024, 1e-10);
  });
});

describe('normalQuantile', () => {
  it('matches reference values', () => {
    expectRelative(normalQuantile(0.975), 1.959963984540054, 1e-15);
    expectRelative(normalQuantile(0.5 + 1e-3), 0.0025066308995717666, 1e-12);
    expectRelative(normalQuantile(1e-20), -9.262340089798409, 1e-14);
  });
});
