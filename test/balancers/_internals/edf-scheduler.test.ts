import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EdfScheduler, MAX_PRE_PICKS } from '../../../src/balancers/_internals/edf-scheduler.js';

/** A scheduler over a mutable weight array, so tests can change weights between picks. */
function schedulerOver(weights: number[]): EdfScheduler {
  return new EdfScheduler((slot) => weights[slot]!);
}

function picks(scheduler: EdfScheduler, count: number): number[] {
  return Array.from({ length: count }, () => scheduler.pick());
}

/**
 * A linear-scan EDF with the same rules (min deadline, FIFO sequence, re-add at pick time),
 * started as createWithPicks starts with zero pre-picks: deadline 1/(w + 1e-13), sequence = slot.
 */
class LinearScanEdf {
  private readonly deadlines: number[];
  private readonly sequences: number[];
  private time = 0;
  private nextSequence: number;
  constructor(private readonly weights: number[]) {
    this.deadlines = weights.map((w) => 1 / (w + 1e-13));
    this.sequences = weights.map((_, slot) => slot);
    this.nextSequence = weights.length;
  }
  pick(): number {
    let best = 0;
    for (let slot = 1; slot < this.deadlines.length; slot++) {
      const d = this.deadlines[slot]!;
      const bestD = this.deadlines[best]!;
      if (d < bestD || (d === bestD && this.sequences[slot]! < this.sequences[best]!)) best = slot;
    }
    this.time = this.deadlines[best]!;
    this.deadlines[best] = this.time + 1 / this.weights[best]!;
    this.sequences[best] = this.nextSequence++;
    return best;
  }
}

function countsOf(slots: readonly number[], n: number): number[] {
  const counts = new Array<number>(n).fill(0);
  for (const slot of slots) counts[slot]!++;
  return counts;
}

describe('EdfScheduler', () => {
  it('returns -1 before any rebuild and after rebuilding with no slots', () => {
    const scheduler = schedulerOver([]);
    expect(scheduler.pick()).toBe(-1);
    scheduler.rebuild(0, 12345);
    expect(scheduler.pick()).toBe(-1);
  });

  it('always returns the only slot of a one-slot schedule', () => {
    const scheduler = schedulerOver([3]);
    scheduler.rebuild(1, 987654321);
    expect(picks(scheduler, 5)).toEqual([0, 0, 0, 0, 0]);
  });

  it('interleaves by earliest deadline with FIFO ties (Envoy RoundRobinLoadBalancerTest.Weighted, seed 0)', () => {
    // Arrange: hosts weighted 1 and 2, random() mocked to 0, so zero pre-picks.
    const weights = [1, 2];
    const scheduler = schedulerOver(weights);
    scheduler.rebuild(2, 0);
    // Act + assert: Envoy's expected sequence.
    expect(picks(scheduler, 6)).toEqual([1, 0, 1, 1, 0, 1]);
  });

  it('applies a changed weight when that entry is next re-added (dynamic weights, Envoy ...Weighted part 2)', () => {
    const weights = [1, 2];
    const scheduler = schedulerOver(weights);
    scheduler.rebuild(2, 0);
    picks(scheduler, 6);
    // Arrange: weights swap without a rebuild, as Envoy's hostWeight() is read at pick time.
    weights[0] = 2;
    weights[1] = 1;
    // Assert: Envoy's expected convergence on the new 2:1 weighting within one cycle.
    expect(picks(scheduler, 8)).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
  });

  it('lets a weight change take effect at the very next pick of that entry', () => {
    // Arrange: equal weights; slot 0 is picked first and re-added with deadline 1 + 1/w0.
    const weights = [1, 1];
    const scheduler = schedulerOver(weights);
    scheduler.rebuild(2, 0);
    weights[0] = 4;
    // Act + assert: slot 0 goes first (FIFO tie at time 1) and comes back at 1.25, not 2.
    // Slot 1 (due at 1) goes next; slot 0 is then due at 1.25, 1.5, 1.75 and 2, where it ties
    // with slot 1, which was queued earlier and so goes first.
    expect(picks(scheduler, 7)).toEqual([0, 1, 0, 0, 0, 1, 0]);
  });

  it('reproduces the seed-1 start of Envoy RoundRobinLoadBalancerTest.WeightedSeed', () => {
    const scheduler = schedulerOver([1, 2]);
    scheduler.rebuild(2, 1);
    expect(picks(scheduler, 6)).toEqual([0, 1, 1, 0, 1, 1]);
  });

  it('spreads first picks over the cycle by weight (Envoy WeightedInitializationPicksAllHosts)', () => {
    // Weights {6, 3, 1}: of ten schedulers with pre-picks 0 … 9, the first pick is host 0 six
    // times, host 1 three times and host 2 once. The old `seed % hosts.size()` rule could not do this.
    const firstPicks = Array.from({ length: 10 }, (_, seed) => {
      const scheduler = schedulerOver([6, 3, 1]);
      scheduler.rebuild(3, seed);
      return scheduler.pick();
    });
    expect(countsOf(firstPicks, 3)).toEqual([6, 3, 1]);
  });

  it('gives each slot exactly its weight in every cycle of Σw picks', () => {
    const weights = [2, 3, 4];
    const total = 9;
    for (const prePicks of [0, 1, 5, 17, 123_456_789]) {
      const scheduler = schedulerOver(weights);
      scheduler.rebuild(3, prePicks);
      for (let cycle = 0; cycle < 20; cycle++) {
        expect(countsOf(picks(scheduler, total), 3), `pre-picks ${prePicks}, cycle ${cycle}`).toEqual(weights);
      }
    }
  });

  it('gives exact proportions over the LCM cycle of fractional weights', () => {
    // Periods 1/0.5 = 2 and 1/1.5 = 2/3 have an LCM of 2: one cycle holds 1 + 3 picks.
    const scheduler = schedulerOver([0.5, 1.5]);
    scheduler.rebuild(2, 0);
    for (let cycle = 0; cycle < 50; cycle++) expect(countsOf(picks(scheduler, 4), 2)).toEqual([1, 3]);
  });

  it('starts as if P picks had been made: the schedule continues like a fresh one after P picks', () => {
    // Envoy's createWithPicks contract. Entries due at the same instant (here every integer
    // time, where all periods 1/w meet) may be ordered differently: the emulated deadlines
    // (f + 1)/(w + 1e-13) and the accumulated ones differ in the last bits, and Envoy's own test
    // compares deadlines only to 1e-5. So every prefix must match the fresh schedule's
    // per-slot counts to within one pick, and the cycle totals exactly.
    const weights = [1, 2, 3, 5, 7];
    const cycle = 18;
    for (let prePicks = 0; prePicks <= 60; prePicks++) {
      const fresh = new LinearScanEdf(weights);
      for (let i = 0; i < prePicks; i++) fresh.pick();
      const scheduler = schedulerOver(weights);
      scheduler.rebuild(weights.length, prePicks);
      const expected = Array.from({ length: 2 * cycle }, () => fresh.pick());
      const actual = picks(scheduler, 2 * cycle);
      for (let length = 1; length <= actual.length; length++) {
        const drift = countsOf(actual.slice(0, length), 5).map((c, slot) => c - countsOf(expected.slice(0, length), 5)[slot]!);
        expect(Math.max(...drift.map(Math.abs)), `pre-picks ${prePicks}, prefix ${length}`).toBeLessThanOrEqual(1);
      }
      expect(countsOf(actual.slice(0, cycle), 5)).toEqual(weights);
    }
  });

  it('reduces the pre-pick count modulo UINT32_MAX / 10, as Envoy does', () => {
    const a = schedulerOver([3, 1, 4, 1, 5]);
    const b = schedulerOver([3, 1, 4, 1, 5]);
    a.rebuild(5, 1234);
    b.rebuild(5, 1234 + MAX_PRE_PICKS);
    expect(picks(b, 50)).toEqual(picks(a, 50));
  });

  it('agrees with a linear-scan EDF under arbitrary weights and weight changes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 24 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 50 })), { maxLength: 40 }),
        (initialWeights, changes) => {
          const weights = [...initialWeights];
          const scheduler = schedulerOver(weights);
          scheduler.rebuild(weights.length, 0);
          const reference = new LinearScanEdf(weights);
          // Interleave picks with weight changes that both schedulers observe at re-add time.
          for (const [target, weight] of changes) {
            for (let i = 0; i < 3; i++) expect(scheduler.pick()).toBe(reference.pick());
            weights[target % weights.length] = weight;
          }
          for (let i = 0; i < 20; i++) expect(scheduler.pick()).toBe(reference.pick());
        },
      ),
    );
  });

  it('rejects non-positive and non-finite weights, at rebuild and at re-add', () => {
    expect(() => schedulerOver([1, 0]).rebuild(2, 0)).toThrow(RangeError);
    expect(() => schedulerOver([1, Number.NaN]).rebuild(2, 0)).toThrow(RangeError);
    const weights = [1, 2];
    const scheduler = schedulerOver(weights);
    scheduler.rebuild(2, 0);
    weights[1] = Infinity;
    expect(() => scheduler.pick()).toThrow(RangeError);
  });

  it('rejects a negative or fractional size or pre-pick count', () => {
    expect(() => schedulerOver([1]).rebuild(-1, 0)).toThrow(RangeError);
    expect(() => schedulerOver([1]).rebuild(1, 0.5)).toThrow(RangeError);
  });
});
