/**
 * HAProxy leastconn (lb_fwlc.c), random(<draws>) (backend.c get_server_rnd over lb_chash.c)
 * and first (lb_fas.c), against their C definitions.
 */
import { describe, expect, it } from 'vitest';
import { ChashRing, effectiveWeight, fullHash } from '../../src/balancers/_internals/haproxy-chash-ring.js';
import { HaproxyFirstBalancer } from '../../src/balancers/haproxy-first.js';
import { HaproxyLeastconnBalancer } from '../../src/balancers/haproxy-leastconn.js';
import { HaproxyRandomBalancer } from '../../src/balancers/haproxy-random.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, ScriptedRandom, countPicks, depsOf, endpointsOf, pickMany, seeded } from './_harness.js';

describe('HaproxyLeastconnBalancer', () => {
  it('keys servers by (in-flight + 1) × 4096 / (16 × weight), integer division, idle = 0', () => {
    const balancer = new HaproxyLeastconnBalancer(depsOf(seeded('x'), new FixedLoad({ 0: 1, 1: 1, 2: 1, 3: 0 })));
    balancer.setEndpoints(endpointsOf([1, 2, 4, 3]));
    expect([0, 1, 2, 3].map((slot) => balancer.key(slot))).toEqual([512, 256, 128, 0]);
    const uneven = new HaproxyLeastconnBalancer(depsOf(seeded('x'), new FixedLoad({ 0: 1 })));
    uneven.setEndpoints(endpointsOf([3]));
    expect(uneven.key(0)).toBe(Math.floor((2 * 4096) / 48)); // 170
  });

  it('takes the lowest key: the idle server first, whatever the weights, then per weight', () => {
    const load = new FixedLoad({ 0: 0, 1: 1, 2: 1 });
    const balancer = new HaproxyLeastconnBalancer(depsOf(seeded('x'), load));
    balancer.setEndpoints(endpointsOf([1, 8, 2]));
    expect(balancer.pick(NO_KEY)).toBe(0); // key 0 beats 64 and 256
    load.set(0, 1);
    expect(balancer.pick(NO_KEY)).toBe(1); // 512, 64, 256
  });

  it('rotates among equal keys in the order of their last change', () => {
    const balancer = new HaproxyLeastconnBalancer(depsOf(seeded('x'), new FixedLoad()));
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    expect(pickMany(balancer, 7)).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('spreads live load in equal connections per weight, rotating at each level', () => {
    const load = new ActiveRequests(3);
    const balancer = new HaproxyLeastconnBalancer(depsOf(seeded('x'), load));
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    const picks: number[] = [];
    for (let i = 0; i < 9; i++) {
      const id = balancer.pick(NO_KEY);
      load.start(id);
      picks.push(id);
    }
    expect(picks).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  it('queues a server that releases a connection behind the equal keys already there', () => {
    const load = new ActiveRequests(3);
    const balancer = new HaproxyLeastconnBalancer(depsOf(seeded('x'), load));
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    const send = (): number => {
      const id = balancer.pick(NO_KEY);
      load.start(id);
      return id;
    };
    const end = (id: number): void => {
      load.end(id);
      balancer.onComplete(id, 1, true);
    };
    expect([send(), send(), send(), send(), send(), send(), send(), send()]).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
    // In flight: 0 → 3, 1 → 3, 2 → 2. Server 1 releases first, then server 0: both now at 2,
    // like server 2, which has waited longest; then 1, then 0, in release order.
    end(1);
    end(0);
    expect([send(), send(), send()]).toEqual([2, 1, 0]);
  });

  it('returns -1 with no servers', () => {
    const balancer = new HaproxyLeastconnBalancer(depsOf(seeded('x')));
    balancer.setEndpoints([]);
    expect(balancer.pick(NO_KEY)).toBe(-1);
  });
});

describe('HAProxy consistent-hash ring (lb_chash.c)', () => {
  it('hashes like HAProxy full_hash (values from the C function)', () => {
    const reference: Array<[number, number]> = [
      [0, 2874071335],
      [1, 881230262],
      [4096, 1237450891],
      [4097, 2761370759],
      [8191, 1804246060],
      [123456789, 2578161185],
      [4294967295, 2120532354],
    ];
    for (const [input, output] of reference) expect(fullHash(input)).toBe(output);
  });

  it('places 16 points per unit of weight at full_hash(puid × 4096 + k), puid = id + 1', () => {
    expect(effectiveWeight(1)).toBe(16);
    expect(effectiveWeight(256)).toBe(4096);
    expect(effectiveWeight(0.01)).toBe(1);
    const ring = new ChashRing();
    ring.build(Int32Array.from([0, 1]), Int32Array.from([1, 1]));
    expect(ring.points).toBe(2);
    // Server id 0 (puid 1): full_hash(4096) = 1237450891; id 1 (puid 2): full_hash(8192) = 1079705203.
    const a = 1237450891;
    const b = 1079705203;
    expect(fullHash(8192)).toBe(b);
    // The nearest point wins; halfway goes to the point before (dp <= dn).
    expect(ring.lookup(b + 10)).toBe(1);
    expect(ring.lookup(a - 10)).toBe(0);
    const half = b + (a - b) / 2;
    expect(ring.lookup(half)).toBe(1);
    expect(ring.lookup(half + 1)).toBe(0);
    // Across the wrap: far from both (around 0 / 2^32) the distances wrap too.
    const wrapMid = (a + (b + 2 ** 32 - a) / 2) % 2 ** 32;
    expect(ring.lookup(Math.floor(wrapMid) - 1)).toBe(0);
    expect(ring.lookup(Math.floor(wrapMid) + 1)).toBe(1);
    // Two points: each is nearest on half of each gap beside it, whatever the gaps.
    expect(ring.arcShares(2)).toEqual([0.5, 0.5]);
  });
});

describe('HaproxyRandomBalancer', () => {
  it('with one draw, lands on each server with exactly its nearest-arc share of the ring', () => {
    const balancer = new HaproxyRandomBalancer(depsOf(seeded('haproxy-rnd-1'), new FixedLoad()), { draws: 1 });
    balancer.setEndpoints(endpointsOf([1, 2, 4, 8]));
    const expected = balancer.ring.arcShares(4);
    const picks = 300_000;
    const counts = countPicks(balancer, picks);
    for (const [slot, share] of expected.entries()) {
      // Binomial SE ≤ √(0.25/300k) = 0.0009: ±0.005 is over 5 SE.
      expect(Math.abs((counts.get(slot) ?? 0) / picks - share)).toBeLessThan(0.005);
    }
  });

  it('honours weights through the ring, approximately: 16 points per weight unit', () => {
    const balancer = new HaproxyRandomBalancer(depsOf(seeded('x'), new FixedLoad()), { draws: 1 });
    balancer.setEndpoints(endpointsOf([1, 2, 4, 8]));
    const shares = balancer.ring.arcShares(4);
    // Ratio of each share to its weight share: 1.47, 1.26, 0.86, 0.95 for these ids (the arcs
    // of 16–128 hashed points are far from even; HAProxy's random is weighted only this well).
    for (const [slot, weight] of [1, 2, 4, 8].entries()) {
      const ratio = shares[slot]! / (weight / 15);
      expect(ratio).toBeGreaterThan(0.7);
      expect(ratio).toBeLessThan(1.6);
    }
    expect(shares[3]).toBeGreaterThan(shares[2]!);
    expect(shares[2]).toBeGreaterThan(shares[1]!);
  });

  it('keeps the server with fewer served per weight across draws; a tie goes to the newer draw', () => {
    // Hashes chosen on the ring: near each server's first point.
    const ring = new ChashRing();
    ring.build(Int32Array.from([0, 1]), Int32Array.from([16, 16]));
    const hashFor = (slot: number): number => {
      for (let h = 0; h < 2 ** 32; h += 9_999_991) if (ring.lookup(h) === slot) return h;
      throw new Error('unreachable');
    };
    const drawOf = (slot: number): number => (hashFor(slot) + 0.5) / 2 ** 32;
    const load = new FixedLoad({ 0: 3, 1: 1 });
    const random = new ScriptedRandom([drawOf(1), drawOf(0), drawOf(0), drawOf(1), drawOf(0), drawOf(0)]);
    const balancer = new HaproxyRandomBalancer(depsOf(random, load), { draws: 2 });
    balancer.setEndpoints(endpointsOf([1, 1]));
    expect(balancer.pick(NO_KEY)).toBe(1); // 1 then 0: 0 has more → keep 1
    expect(balancer.pick(NO_KEY)).toBe(1); // 0 then 1: 1 has fewer
    expect(balancer.pick(NO_KEY)).toBe(0); // 0 twice: no comparison
    load.set(0, 1);
    const tie = new HaproxyRandomBalancer(depsOf(new ScriptedRandom([drawOf(1), drawOf(0)]), load), { draws: 2 });
    tie.setEndpoints(endpointsOf([1, 1]));
    expect(tie.pick(NO_KEY)).toBe(0); // equal: the newer draw stays
  });

  it('with more draws, concentrates on the least loaded server', () => {
    const load = new FixedLoad({ 0: 5, 1: 5, 2: 0, 3: 5 });
    const shareOf2 = (draws: number): number => {
      const balancer = new HaproxyRandomBalancer(depsOf(seeded(`haproxy-draws-${draws}`), load), { draws });
      balancer.setEndpoints(endpointsOf([1, 1, 1, 1]));
      return (countPicks(balancer, 50_000).get(2) ?? 0) / 50_000;
    };
    const one = shareOf2(1);
    const two = shareOf2(2);
    const four = shareOf2(4);
    expect(two).toBeGreaterThan(one + 0.1);
    expect(four).toBeGreaterThan(two + 0.1);
  });
});

describe('HaproxyFirstBalancer', () => {
  it('fills servers in id order up to maxconn, then falls back to the least loaded (or rejects)', () => {
    const load = new ActiveRequests(16);
    const balancer = new HaproxyFirstBalancer(depsOf(seeded('x'), load), { maxconn: 2, whenFull: 'least_loaded' });
    balancer.setEndpoints(endpointsOf([5, 1, 1], [9, 2, 5])); // weights ignored; order by id: 2, 5, 9
    const picks: number[] = [];
    for (let i = 0; i < 7; i++) {
      const id = balancer.pick(NO_KEY);
      load.start(id);
      picks.push(id);
    }
    // The seventh finds every server full: the least loaded (all 2, lowest id) takes it.
    expect(picks).toEqual([2, 2, 5, 5, 9, 9, 2]);
    load.end(5);
    expect(balancer.pick(NO_KEY)).toBe(5); // a freed slot on 5, the first server below maxconn
    load.start(5);
    const rejecting = new HaproxyFirstBalancer(depsOf(seeded('x'), load), { maxconn: 2, whenFull: 'reject' });
    rejecting.setEndpoints(endpointsOf([1, 1, 1], [9, 2, 5]));
    expect(rejecting.pick(NO_KEY)).toBe(-1);
    rejecting.setEndpoints([]);
    expect(rejecting.pick(NO_KEY)).toBe(-1);
  });

  it('requires a positive integer maxconn', () => {
    expect(() => new HaproxyFirstBalancer(depsOf(seeded('x')), { maxconn: 0, whenFull: 'reject' })).toThrow(RangeError);
  });
});
