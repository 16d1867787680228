import { describe, expect, it } from 'vitest';
import { WeightedRoundRobinBalancer } from '../../src/balancers/weighted-round-robin.js';
import { ScriptedRandom, constantRandom, depsOf, endpointsOf, pickMany, seedDraw, seeded } from './_harness.js';

const A = 10;
const B = 20;
const C = 30;

function smooth(weights: number[], ids: number[]): WeightedRoundRobinBalancer {
  // Smooth WRR must draw nothing: an empty script throws on the first draw.
  const balancer = new WeightedRoundRobinBalancer(depsOf(new ScriptedRandom([])), { variant: 'smooth' });
  balancer.setEndpoints(endpointsOf(weights, ids));
  return balancer;
}

describe('WeightedRoundRobinBalancer, smooth (NGINX)', () => {
  it('gives a a b a c a a for weights 5, 1, 1, every cycle', () => {
    const balancer = smooth([5, 1, 1], [A, B, C]);
    const cycle = [A, A, B, A, C, A, A];
    expect(pickMany(balancer, 21)).toEqual([...cycle, ...cycle, ...cycle]);
  });

  it('spreads a heavy peer out: weights 3, 1 give a a b a, not a a a b', () => {
    expect(pickMany(smooth([3, 1], [A, B]), 8)).toEqual([A, A, B, A, A, A, B, A]);
  });

  it('rotates in endpoint order from the first peer when weights are equal', () => {
    expect(pickMany(smooth([2, 2, 2], [C, A, B]), 6)).toEqual([C, A, B, C, A, B]);
  });

  it('keeps per-peer state across setEndpoints', () => {
    const balancer = smooth([5, 1, 1], [A, B, C]);
    expect(pickMany(balancer, 3)).toEqual([A, A, B]);
    // Re-announcing the same set changes nothing: the cycle continues.
    balancer.setEndpoints(endpointsOf([5, 1, 1], [A, B, C]));
    expect(pickMany(balancer, 4)).toEqual([A, C, A, A]);
  });

  it('keeps a peer state while it is out of the set, like NGINX skipping an ineligible peer', () => {
    const balancer = smooth([1, 1, 1], [A, B, C]);
    expect(pickMany(balancer, 1)).toEqual([A]); // current: a −2, b 1, c 1
    balancer.setEndpoints(endpointsOf([1, 1], [B, C]));
    expect(pickMany(balancer, 2)).toEqual([B, C]); // b 0, c 0 again
    balancer.setEndpoints(endpointsOf([1, 1, 1], [A, B, C]));
    // a resumes at −2: b and c go first.
    expect(pickMany(balancer, 3)).toEqual([B, C, A]);
  });

  it('resets effective weight to a changed weight and keeps current', () => {
    const balancer = smooth([1, 1], [A, B]);
    expect(pickMany(balancer, 1)).toEqual([A]); // a −1, b 1
    balancer.setEndpoints(endpointsOf([3, 1], [A, B]));
    // Next round: a −1+3 = 2, b 1+1 = 2, tie → a (first), a = 2 − 4 = −2.
    expect(pickMany(balancer, 4)).toEqual([A, B, A, A]);
  });

  it('matches weights exactly over each cycle of Σw picks', () => {
    const balancer = smooth([4, 2, 3, 1], [1, 2, 3, 4]);
    for (let cycle = 0; cycle < 5; cycle++) {
      const counts = [0, 0, 0, 0];
      for (const id of pickMany(balancer, 10)) counts[id - 1]!++;
      expect(counts).toEqual([4, 2, 3, 1]);
    }
  });
});

describe('WeightedRoundRobinBalancer, edf (Envoy)', () => {
  function edf(seed: number, weights: number[], ids?: number[]): WeightedRoundRobinBalancer {
    const balancer = new WeightedRoundRobinBalancer(depsOf(constantRandom(seedDraw(seed))), { variant: 'edf' });
    balancer.setEndpoints(endpointsOf(weights, ids));
    return balancer;
  }

  it('follows Envoy EDF for unequal weights (random() = 0 and 1)', () => {
    expect(pickMany(edf(0, [1, 2], [A, B]), 6)).toEqual([B, A, B, B, A, B]);
    expect(pickMany(edf(1, [1, 2], [A, B]), 6)).toEqual([A, B, B, A, B, B]);
  });

  it('uses EDF even for equal weights: a rotation in order from a seed-derived start', () => {
    expect(pickMany(edf(0, [1, 1, 1], [A, B, C]), 6)).toEqual([A, B, C, A, B, C]);
    expect(pickMany(edf(4, [1, 1, 1], [A, B, C]), 6)).toEqual([B, C, A, B, C, A]);
    const starts = new Set<number>();
    for (let s = 0; s < 30; s++) {
      const balancer = new WeightedRoundRobinBalancer(depsOf(seeded(`wrr-edf-${s}`)), { variant: 'edf' });
      balancer.setEndpoints(endpointsOf([1, 1, 1], [A, B, C]));
      starts.add(balancer.pick({ key: -1 }));
    }
    expect(starts.size).toBe(3);
  });

  it('matches weights exactly over each cycle of Σw picks', () => {
    const balancer = new WeightedRoundRobinBalancer(depsOf(seeded('wrr-edf-cycle')), { variant: 'edf' });
    balancer.setEndpoints(endpointsOf([4, 2, 3, 1], [1, 2, 3, 4]));
    for (let cycle = 0; cycle < 5; cycle++) {
      const counts = [0, 0, 0, 0];
      for (const id of pickMany(balancer, 10)) counts[id - 1]!++;
      expect(counts).toEqual([4, 2, 3, 1]);
    }
  });
});

describe('WeightedRoundRobinBalancer options', () => {
  it('rejects an unknown variant', () => {
    expect(
      () => new WeightedRoundRobinBalancer(depsOf(seeded('x')), { variant: 'fwrr' as unknown as 'edf' }),
    ).toThrow(RangeError);
  });
});
