/**
 * Guarantee 14 of the discovery reference (§3): a new host's slow-start weight is
 * non-decreasing over the window, never below min_weight_percent of its weight, never above
 * it, and equal to it once the window has passed. Checked on the shared SlowStart tracker,
 * which every Envoy-family balancer uses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SlowStart } from '../../src/balancers/_internals/slow-start.js';

describe('slow-start shape (property)', () => {
  it('ramps monotonically from the floor to the full weight over the window', () => {
    fc.assert(
      fc.property(
        fc.record({
          windowMs: fc.integer({ min: 1, max: 600_000 }),
          aggression: fc.double({ min: 0.1, max: 10, noNaN: true }),
          minWeightPercent: fc.double({ min: 0, max: 100, noNaN: true }),
          weight: fc.double({ min: 0.01, max: 1000, noNaN: true }),
          start: fc.integer({ min: 0, max: 1_000_000 }),
          offsets: fc.array(fc.double({ min: 0, max: 2, noNaN: true }), { minLength: 2, maxLength: 50 }),
        }),
        (s) => {
          const tracker = new SlowStart({ windowMs: s.windowMs, aggression: s.aggression, minWeightPercent: s.minWeightPercent }, () => s.start);
          const times = s.offsets.map((f) => s.start + f * s.windowMs).sort((a, b) => a - b);
          let previous = -Infinity;
          for (const t of times) {
            const w = tracker.weightAt(s.weight, s.start, t, true);
            expect(w).toBeGreaterThanOrEqual(previous);
            expect(w).toBeGreaterThanOrEqual((s.weight * s.minWeightPercent) / 100 - 1e-9);
            expect(w).toBeLessThanOrEqual(s.weight);
            if (Math.trunc(t - s.start) >= s.windowMs) expect(w).toBe(s.weight);
            previous = w;
          }
        },
      ),
    );
  });
});
