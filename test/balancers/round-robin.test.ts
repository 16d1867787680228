import { describe, expect, it } from 'vitest';
import { RoundRobinBalancer } from '../../src/balancers/round-robin.js';
import { constantRandom, depsOf, endpointsOf, pickMany, seedDraw, seeded } from './_harness.js';

function roundRobin(seed: number, weights: number[], ids?: number[]): RoundRobinBalancer {
  const balancer = new RoundRobinBalancer(depsOf(constantRandom(seedDraw(seed))));
  balancer.setEndpoints(endpointsOf(weights, ids));
  return balancer;
}

describe('RoundRobinBalancer, unweighted path', () => {
  it('starts at the seed (Envoy RoundRobinLoadBalancerTest.Seed: random() = 1)', () => {
    expect(pickMany(roundRobin(1, [1, 1, 1]), 4)).toEqual([1, 2, 0, 1]);
  });

  it('visits hosts in order from a random start', () => {
    const balancer = new RoundRobinBalancer(depsOf(seeded('rr-order')));
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1, 1]));
    const picks = pickMany(balancer, 23);
    for (let i = 1; i < picks.length; i++) expect(picks[i]).toBe((picks[i - 1]! + 1) % 5);
  });

  it('starts at different hosts for different seeds', () => {
    const firstPicks = new Set<number>();
    for (let s = 0; s < 40; s++) {
      const balancer = new RoundRobinBalancer(depsOf(seeded(`rr-start-${s}`)));
      balancer.setEndpoints(endpointsOf([1, 1, 1, 1, 1]));
      firstPicks.add(balancer.pick({ key: -1 }));
    }
    // 40 uniform starts over 5 hosts miss one host with probability < 5·(4/5)^40 ≈ 7e-4.
    expect(firstPicks.size).toBe(5);
  });

  it('keeps its index across setEndpoints (Envoy RoundRobinLoadBalancerTest.Normal)', () => {
    // Arrange: random() = 0, two hosts, five picks: the index is now 5.
    const balancer = roundRobin(0, [1, 1]);
    expect(pickMany(balancer, 5)).toEqual([0, 1, 0, 1, 0]);
    // Act + assert: a third host joins; the rotation resumes at 5 % 3 = 2, not at host 0.
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    expect(pickMany(balancer, 4)).toEqual([2, 0, 1, 2]);
    // A fourth host joins: 9 % 4 = 1.
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1]));
    expect(pickMany(balancer, 3)).toEqual([1, 2, 3]);
  });

  it('returns endpoint ids, not positions', () => {
    expect(pickMany(roundRobin(0, [7, 7, 7], [40, 10, 30]), 4)).toEqual([40, 10, 30, 40]);
  });
});

describe('RoundRobinBalancer, weighted path (EDF)', () => {
  it('interleaves by weight and rebuilds on change (Envoy RoundRobinLoadBalancerTest.Weighted, random() = 0)', () => {
    const balancer = roundRobin(0, [1, 2]);
    expect(pickMany(balancer, 6)).toEqual([1, 0, 1, 1, 0, 1]);
    // A third host of weight 3 joins (the first two now weigh 2 and 1).
    balancer.setEndpoints(endpointsOf([2, 1, 3]));
    expect(pickMany(balancer, 12)).toEqual([2, 0, 2, 1, 0, 2, 2, 0, 2, 1, 0, 2]);
    // Hosts 1 and 2 leave, host 3 of weight 4 joins, host 0 weighs 1 again.
    balancer.setEndpoints(endpointsOf([1, 4], [0, 3]));
    expect(pickMany(balancer, 10)).toEqual([3, 3, 3, 0, 3, 3, 3, 3, 0, 3]);
  });

  it('pre-picks by the seed (Envoy RoundRobinLoadBalancerTest.WeightedSeed, random() = 1)', () => {
    expect(pickMany(roundRobin(1, [1, 2]), 6)).toEqual([0, 1, 1, 0, 1, 1]);
  });

  it('gives each host exactly its weight in every full cycle, from any seed', () => {
    const weights = [1, 2, 3, 4];
    for (let s = 0; s < 10; s++) {
      const balancer = new RoundRobinBalancer(depsOf(seeded(`rr-weighted-${s}`)));
      balancer.setEndpoints(endpointsOf(weights, [100, 200, 300, 400]));
      for (let cycle = 0; cycle < 10; cycle++) {
        const counts = [0, 0, 0, 0];
        for (const id of pickMany(balancer, 10)) counts[id / 100 - 1]!++;
        expect(counts, `seed ${s}, cycle ${cycle}`).toEqual(weights);
      }
    }
  });

  it('does not advance the unweighted index on weighted picks', () => {
    const balancer = roundRobin(0, [1, 2, 3]);
    pickMany(balancer, 7);
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    expect(pickMany(balancer, 3)).toEqual([0, 1, 2]);
  });
});
