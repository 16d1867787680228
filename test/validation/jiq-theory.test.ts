import { describe, expect, it } from 'vitest';
import { jiqLuApproximation, jiqMeanResponse } from '../../src/validation/queueing-theory.js';

// The JIQ-Random mean field with stale I-queue entries (queueing-theory.ts). Reference values
// were computed independently by Gauss–Seidel on the same (k, j) chain with a damped fixed
// point (scratch solver, K = 150, J = 30); the simulator agrees with them within its CI at
// n = 1000 and n = 4000 (see the jiq-r10 check).
describe('JIQ-Random mean response (mean field)', () => {
  it('matches the independent solution of the same chain', () => {
    expect(jiqMeanResponse(0.7, 10)).toBeCloseTo(1.2781454737522, 9);
    expect(jiqMeanResponse(0.9, 10)).toBeCloseTo(1.8338004707679, 9);
    expect(jiqMeanResponse(0.5, 10)).toBeCloseTo(1.1643613817786, 9);
    expect(jiqMeanResponse(0.9, 5)).toBeCloseTo(2.4254412194358, 9);
  });

  it('lies between no queueing and random dispatch, and falls towards 1 as r grows', () => {
    for (const lambda of [0.5, 0.7, 0.9]) {
      let previous = 1 / (1 - lambda);
      for (const r of [1, 2, 5, 10, 50, 200]) {
        const t = jiqMeanResponse(lambda, r);
        expect(t).toBeGreaterThan(1);
        expect(t).toBeLessThan(previous);
        previous = t;
      }
      expect(jiqMeanResponse(lambda, 1000) - 1).toBeLessThan(0.01);
    }
  });

  it('differs from Lu et al.’s stale-free closed form by what stale entries cost', () => {
    expect(jiqLuApproximation(0.9, 10)).toBeCloseTo(1 / 0.55, 12);
    expect(jiqLuApproximation(0.7, 10)).toBeCloseTo(1 / (1 - 0.7 / 4), 12);
    // At λ = 0.7, r = 10 the stale entries add 5 %: the check can tell the two apart.
    expect(jiqMeanResponse(0.7, 10) / jiqLuApproximation(0.7, 10)).toBeGreaterThan(1.05);
  });

  it('rejects loads outside (0, 1) and r below 1', () => {
    expect(() => jiqMeanResponse(1, 10)).toThrow(RangeError);
    expect(() => jiqMeanResponse(0.5, 0.5)).toThrow(RangeError);
  });
});
