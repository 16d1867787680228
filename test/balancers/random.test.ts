import { describe, expect, it } from 'vitest';
import { RandomBalancer } from '../../src/balancers/random.js';
import { ScriptedRandom, chiSquareUniform, countPicks, depsOf, endpointsOf, indexDraw, pickMany, seeded } from './_harness.js';

// χ² with 9 degrees of freedom (10 hosts): the 0.999 quantile is 27.877. A correct uniform
// picker exceeds it one run in a thousand; the seeds are fixed, so this either always passes or
// flags a real bias.
const CHI_SQUARE_9DF_999 = 27.877;
const PICKS = 100_000;

describe('RandomBalancer', () => {
  it('picks uniformly', () => {
    const ids = [3, 14, 15, 92, 65, 35, 89, 79, 32, 38];
    const balancer = new RandomBalancer(depsOf(seeded('random-uniform')));
    balancer.setEndpoints(endpointsOf(ids.map(() => 1), ids));
    const counts = countPicks(balancer, PICKS);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([...ids].sort((a, b) => a - b));
    expect(chiSquareUniform(ids.map((id) => counts.get(id)!))).toBeLessThan(CHI_SQUARE_9DF_999);
  });

  it('ignores endpoint weights, as Envoy RANDOM does', () => {
    const weights = [1, 1000, 1, 1000, 1, 1000, 1, 1000, 1, 50_000];
    const balancer = new RandomBalancer(depsOf(seeded('random-weights')));
    balancer.setEndpoints(endpointsOf(weights));
    const counts = countPicks(balancer, PICKS);
    expect(chiSquareUniform(weights.map((_, id) => counts.get(id)!))).toBeLessThan(CHI_SQUARE_9DF_999);
  });

  it('maps one draw per pick to an index, with no seed draw', () => {
    const random = new ScriptedRandom([indexDraw(2, 4), indexDraw(0, 4), indexDraw(3, 4)]);
    const balancer = new RandomBalancer(depsOf(random));
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1], [10, 20, 30, 40]));
    expect(pickMany(balancer, 3)).toEqual([30, 10, 40]);
    expect(random.used).toBe(3);
  });
});
