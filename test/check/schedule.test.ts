/**
 * The raw schedule arbitrary: it can shrink values it did not generate (so the targeted
 * phase's finds and replayed values shrink through `examples`), and `fc.sample` with a path
 * offset yields the very values `fc.check` runs (the search consumes draws by that index).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveFaultSpace } from '../../src/check/fault-space.js';
import { inDomain, scheduleArbitrary, type RawSchedule } from '../../src/check/schedule.js';
import { scenario } from './helpers.js';

const space = resolveFaultSpace(
  scenario({ faultSpace: { kinds: { crash: { for: ['1s', '10s'] }, hang: { for: ['1s', '5s'], size: [1, 2] }, slow: { for: '2s' } }, maxFaults: 3 } }),
);
const arbitrary = scheduleArbitrary(space);

describe('scheduleArbitrary', () => {
  it('can shrink every value it generates without its context (property)', () => {
    for (const value of fc.sample(arbitrary, { seed: 5, numRuns: 200 })) {
      expect(arbitrary.canShrinkWithoutContext(value)).toBe(true);
      expect(inDomain(value, space)).toBe(true);
    }
  });

  it('rejects values outside its domain, which fast-check could not shrink', () => {
    const value = fc.sample(arbitrary, { seed: 5, numRuns: 1 })[0]!;
    expect(inDomain({ ...value, faults: [] }, space)).toBe(false);
    expect(inDomain({ ...value, faults: [{ ...value.faults[0]!, at: space.startSlots + 1 }] }, space)).toBe(false);
    expect(inDomain({ ...value, faults: [{ ...value.faults[0]!, kind: 'zone' }] }, space)).toBe(false);
  });

  it('shrinks an example given from outside, towards one fault of the first kind at the earliest slot', async () => {
    const example: RawSchedule = {
      off: [false, false, false],
      faults: [
        { kind: 'slow', target: 3, at: 9, len: 7, level: 800, width: 0 },
        { kind: 'hang', target: 2, at: 4, len: 3, level: 100, width: 1 },
      ],
    };
    const details = fc.check(fc.property(arbitrary, (v) => v.faults.length === 0), { seed: 1, numRuns: 1, examples: [[example]] });
    expect(details.failed).toBe(true);
    expect(details.counterexample![0]).toEqual({ off: [false, false, false], faults: [{ kind: 'crash', target: 0, at: 0, len: 0, level: 0, width: 0 }] });
  });

  it('draws with fc.sample exactly the values fc.check runs, at every path offset', () => {
    const seen: RawSchedule[] = [];
    fc.check(
      fc.property(arbitrary, (v) => {
        seen.push(v);
        return true;
      }),
      { seed: 42, numRuns: 40 },
    );
    expect(fc.sample(arbitrary, { seed: 42, numRuns: 40 })).toEqual(seen);
    expect(fc.sample(arbitrary, { seed: 42, path: '25', numRuns: 15 })).toEqual(seen.slice(25));
  });

  it('draws the same values for an async property (the search shrinks through one)', async () => {
    const seen: RawSchedule[] = [];
    await fc.check(
      fc.asyncProperty(arbitrary, async (v) => {
        seen.push(v);
        return true;
      }),
      { seed: 43, numRuns: 30 },
    );
    expect(fc.sample(arbitrary, { seed: 43, numRuns: 30 })).toEqual(seen);
  });
});
