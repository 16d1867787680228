/**
 * NGINX least_conn (ngx_http_upstream_least_conn_module.c) and random two least_conn
 * (ngx_http_upstream_random_module.c), against their C definitions.
 */
import { describe, expect, it } from 'vitest';
import { NginxLeastConnBalancer } from '../../src/balancers/nginx-least-conn.js';
import { NginxRandomTwoBalancer } from '../../src/balancers/nginx-random-two.js';
import type { Balancer, RandomSource } from '../../src/balancers/types.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, ScriptedRandom, countPicks, depsOf, endpointsOf, pickMany, seeded } from './_harness.js';

const names = (ids: number[]): string => ids.map((id) => 'abcdefgh'[id]).join('');

/** The draw that makes NGINX's weighted peek land at offset `x` of the total weight. */
function weightDraw(x: number, total: number): number {
  return (x + 0.5) / total;
}

describe('NginxLeastConnBalancer', () => {
  it('picks the fewest connections per weight, compared by cross-multiplication', () => {
    // Ratios 1/1, 1/2, 2/1: the middle peer.
    const balancer = new NginxLeastConnBalancer(depsOf(seeded('x'), new FixedLoad({ 0: 1, 1: 1, 2: 2 })));
    balancer.setEndpoints(endpointsOf([1, 2, 1]));
    expect(pickMany(balancer, 3)).toEqual([1, 1, 1]);
  });

  it('resolves ties by smooth weighted round robin among the tied peers (3:1 → a a b a)', () => {
    const balancer = new NginxLeastConnBalancer(depsOf(seeded('x'), new FixedLoad()));
    balancer.setEndpoints(endpointsOf([3, 1]));
    expect(names(pickMany(balancer, 8))).toBe('aabaaaba');
  });

  it('ties on the ratio, not the count: 1 conn on weight 1 ties 2 conns on weight 2', () => {
    const balancer = new NginxLeastConnBalancer(depsOf(seeded('x'), new FixedLoad({ 0: 1, 1: 2, 2: 5 })));
    balancer.setEndpoints(endpointsOf([1, 2, 1]));
    // Smooth WRR over {a: 1, b: 2}: b a b, b a b, …
    expect(names(pickMany(balancer, 6))).toBe('babbab');
    // The peer outside the tie keeps its round-robin state untouched.
    expect(balancer.peers.current[2]).toBe(0);
  });

  it('rotates ties among idle peers in order, and returns the only peer as is', () => {
    const balancer = new NginxLeastConnBalancer(depsOf(seeded('x'), new FixedLoad()));
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    expect(pickMany(balancer, 6)).toEqual([0, 1, 2, 0, 1, 2]);
    balancer.setEndpoints(endpointsOf([5], [77]));
    expect(pickMany(balancer, 2)).toEqual([77, 77]);
    balancer.setEndpoints([]);
    expect(balancer.pick(NO_KEY)).toBe(-1);
  });

  it('keeps each peer at the least connections per weight under a live load (weights 1, 2, 3)', () => {
    const load = new ActiveRequests(3);
    const balancer = new NginxLeastConnBalancer(depsOf(seeded('x'), load));
    balancer.setEndpoints(endpointsOf([1, 2, 3]));
    for (let i = 0; i < 60; i++) load.start(balancer.pick(NO_KEY));
    // 60 connections split 10 : 20 : 30 — equal connections per weight.
    expect([0, 1, 2].map((id) => load.active(id))).toEqual([10, 20, 30]);
  });

  it('keeps per-peer state across membership changes (NGINX keeps a down peer\'s weights)', () => {
    const balancer = new NginxLeastConnBalancer(depsOf(seeded('x'), new FixedLoad()));
    balancer.setEndpoints(endpointsOf([3, 1]));
    const first = pickMany(balancer, 2); // a a: current (−2, 2)
    balancer.setEndpoints(endpointsOf([1], [1]));
    balancer.setEndpoints(endpointsOf([3, 1]));
    expect(names([...first, ...pickMany(balancer, 2)])).toBe('aaba');
  });
});

describe('NginxRandomTwoBalancer', () => {
  function randomTwo(random: RandomSource, load = new FixedLoad(), weights = [1, 1, 1]): NginxRandomTwoBalancer {
    const balancer = new NginxRandomTwoBalancer(depsOf(random, load));
    balancer.setEndpoints(endpointsOf(weights));
    return balancer;
  }

  it('draws by weight through the cumulative ranges and keeps fewer connections per weight', () => {
    // Weights 1, 2, 3 (total 6): x = 0 → peer 0; x = 2 → peer 1; x = 5 → peer 2.
    const random = new ScriptedRandom([weightDraw(0, 6), weightDraw(5, 6), weightDraw(2, 6), weightDraw(4, 6)]);
    const balancer = randomTwo(random, new FixedLoad({ 0: 1, 1: 1, 2: 4 }), [1, 2, 3]);
    // 0 (1/1) vs 2 (4/3): 4·1 > 1·3 → the first draw, 0.
    expect(balancer.pick(NO_KEY)).toBe(0);
    // 1 (1/2) vs 2 (4/3): 2 has more → 1.
    expect(balancer.pick(NO_KEY)).toBe(1);
    expect(random.used).toBe(4);
  });

  it('gives ties to the second draw, and redraws a repeat of the first', () => {
    const random = new ScriptedRandom([weightDraw(0, 3), weightDraw(0, 3), weightDraw(0, 3), weightDraw(2, 3)]);
    const balancer = randomTwo(random, new FixedLoad({ 0: 1, 2: 1 }));
    expect(balancer.pick(NO_KEY)).toBe(2);
    expect(random.used).toBe(4);
  });

  it('falls back to round robin after 20 wasted tries', () => {
    // Weights 1 and 1000: keep drawing the heavy peer. Draw 1 sets it, 20 repeats waste tries.
    const random = new ScriptedRandom(new Array<number>(21).fill(weightDraw(500, 1001)));
    const balancer = randomTwo(random, new FixedLoad(), [1, 1000]);
    // Smooth WRR, first round over (1, 1000): the heavy peer.
    expect(balancer.pick(NO_KEY)).toBe(1);
    expect(random.used).toBe(21);
    expect(balancer.peers.current[1]).toBe(1000 - 1001);
  });

  it('splits idle traffic as the second distinct weighted draw: Σ_{i≠j} (w_i/W)·w_j/(W − w_i)', () => {
    const weights = [1, 2, 3, 4];
    const total = 10;
    const expected = weights.map((wj, j) =>
      weights.reduce((sum, wi, i) => (i === j ? sum : sum + (wi / total) * (wj / (total - wi))), 0),
    );
    const picks = 200_000;
    const counts = countPicks(randomTwo(seeded('nginx-r2-shares'), new FixedLoad(), weights), picks);
    for (const [j, share] of expected.entries()) {
      // SE ≤ √(0.25/200k) = 0.0011: ±0.006 is over 5 SE.
      expect(Math.abs((counts.get(j) ?? 0) / picks - share)).toBeLessThan(0.006);
    }
  });

  it('sends to the lighter peer whenever it is one of the two: 5/6 of picks for weights 1, 1, 2 at 2 conns each', () => {
    // Ratios 2, 2, 1: peer 2 wins every pair it is in; it is left out only of the pair {0, 1}:
    // P = 2 · (1/4)(1/3) = 1/6.
    const picks = 120_000;
    const counts = countPicks(randomTwo(seeded('nginx-r2-light'), new FixedLoad({ 0: 2, 1: 2, 2: 2 }), [1, 1, 2]), picks);
    expect(Math.abs((counts.get(2) ?? 0) / picks - 5 / 6)).toBeLessThan(0.006);
  });

  it('returns the only peer, or -1 for none, through round robin', () => {
    const random = new ScriptedRandom([]);
    const balancer: Balancer = randomTwo(random, new FixedLoad(), [2]);
    expect(pickMany(balancer, 2)).toEqual([0, 0]);
    balancer.setEndpoints([]);
    expect(balancer.pick(NO_KEY)).toBe(-1);
    expect(random.used).toBe(0);
  });
});
