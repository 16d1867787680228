import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { LeastRequestBalancer, type LeastRequestOptions } from '../../src/balancers/least-request.js';
import type { LoadView, RandomSource } from '../../src/balancers/types.js';
import {
  FixedLoad,
  ScriptedRandom,
  constantRandom,
  countPicks,
  depsOf,
  endpointsOf,
  indexDraw,
  pickMany,
  seedDraw,
  seeded,
} from './_harness.js';

const DEFAULTS: LeastRequestOptions = { choices: 2, selection: 'n_choices', activeRequestBias: 1 };

function leastRequest(random: RandomSource, load: LoadView, weights: number[], options: Partial<LeastRequestOptions> = {}): LeastRequestBalancer {
  const balancer = new LeastRequestBalancer(depsOf(random, load), { ...DEFAULTS, ...options });
  balancer.setEndpoints(endpointsOf(weights));
  return balancer;
}

function shares(counts: Map<number, number>, ids: number[], total: number): number[] {
  return ids.map((id) => (counts.get(id) ?? 0) / total);
}

describe('LeastRequestBalancer, n_choices', () => {
  // Loads [0, 0, 5]: the loaded host wins only when every sample lands on it, (1/3)^choices.
  const PICKS = 200_000;

  it('splits 4/9, 4/9, 1/9 with two choices (Envoy least_request_lb_simulation_test)', () => {
    const balancer = leastRequest(seeded('lr-p2c'), new FixedLoad({ 2: 5 }), [1, 1, 1]);
    const observed = shares(countPicks(balancer, PICKS), [0, 1, 2], PICKS);
    // Binomial SE at N = 200k: √(p(1−p)/N) = 0.0011 for p = 4/9 and 0.0007 for p = 1/9, so a
    // 1 % absolute tolerance (Envoy's tolerance_pct) is ≥ 9 SE: no false alarms, and a
    // without-replacement bug (share 0) or a tie-to-later bug would still fail.
    expect(Math.abs(observed[0]! - 4 / 9)).toBeLessThan(0.01);
    expect(Math.abs(observed[1]! - 4 / 9)).toBeLessThan(0.01);
    expect(Math.abs(observed[2]! - 1 / 9)).toBeLessThan(0.01);
  });

  it('gives the loaded host 1/27 with three choices', () => {
    const balancer = leastRequest(seeded('lr-p3c'), new FixedLoad({ 2: 5 }), [1, 1, 1], { choices: 3 });
    const loadedShare = shares(countPicks(balancer, PICKS), [2], PICKS)[0]!;
    // SE = √((1/27)(26/27)/200k) = 0.00042; 0.25 % absolute is about 6 SE.
    expect(Math.abs(loadedShare - 1 / 27)).toBeLessThan(0.0025);
  });

  it('samples with replacement and keeps the least loaded (Envoy LeastRequestLoadBalancerTest.PNC)', () => {
    // Loads [4, 3, 2, 1]; five samples at indices 3, 0, 3, 2, 1 → host 3.
    const draws = [seedDraw(0), ...[3, 0, 3, 2, 1].map((i) => indexDraw(i, 4))];
    const random = new ScriptedRandom(draws);
    const balancer = leastRequest(random, new FixedLoad({ 0: 4, 1: 3, 2: 2, 3: 1 }), [1, 1, 1, 1], { choices: 5 });
    expect(balancer.pick({ key: -1 })).toBe(3);
    expect(random.used).toBe(6);
  });

  it('keeps the earlier sample on a tie', () => {
    const load = new FixedLoad({ 0: 1, 1: 1 });
    const random = new ScriptedRandom([seedDraw(0), indexDraw(1, 2), indexDraw(0, 2), indexDraw(0, 2), indexDraw(1, 2)]);
    const balancer = leastRequest(random, load, [1, 1]);
    expect(pickMany(balancer, 2)).toEqual([1, 0]);
  });
});

describe('LeastRequestBalancer, full_scan', () => {
  it('always picks the unique minimum, drawing nothing (Envoy FullScanOneHostWithLeastRequests)', () => {
    const random = new ScriptedRandom([seedDraw(0)]);
    const balancer = leastRequest(random, new FixedLoad({ 0: 4, 1: 3, 2: 2, 3: 1, 4: 5 }), [1, 1, 1, 1, 1], {
      selection: 'full_scan',
    });
    expect(pickMany(balancer, 5)).toEqual([3, 3, 3, 3, 3]);
  });

  it('splits ties for the minimum evenly (Envoy FullScanMultipleHostsWithLeastRequests)', () => {
    const picks = 300_000;
    const balancer = leastRequest(seeded('lr-full-scan'), new FixedLoad({ 0: 3, 1: 3, 2: 1, 3: 1, 4: 1 }), [1, 1, 1, 1, 1], {
      selection: 'full_scan',
    });
    const counts = countPicks(balancer, picks);
    expect([...counts.keys()].sort()).toEqual([2, 3, 4]);
    // SE of a 1/3 share at N = 300k is 0.00086; 0.5 % absolute (Envoy's ±5000 in 1M) is ≈ 6 SE.
    for (const share of shares(counts, [2, 3, 4], picks)) expect(Math.abs(share - 1 / 3)).toBeLessThan(0.005);
  });
  it.each([2, 16, 31, 32, 33, 64])('picks the k-th tie in scan order with one draw, %i hosts', (n) => {
    // A load view without per-count masks is scanned: the pick must be the k-th least-loaded
    // host in slot order for the one draw k, at any host count.
    const loadRng = seeded(`lr-ties-${n}`);
    const load = new FixedLoad();
    const script: number[] = [seedDraw(0)];
    const expected: number[] = [];
    for (let round = 0; round < 400; round++) {
      const loads = Array.from({ length: n }, () => Math.floor(loadRng.next() * 3));
      const least = Math.min(...loads);
      const tied = loads.flatMap((active, id) => (active === least ? [id] : []));
      const k = round % tied.length;
      if (tied.length > 1) script.push(indexDraw(k, tied.length));
      expected.push(tied[k]!);
    }
    const random = new ScriptedRandom(script);
    const balancer = leastRequest(random, load, Array<number>(n).fill(1), { selection: 'full_scan' });
    const loadReplay = seeded(`lr-ties-${n}`);
    const picks = expected.map(() => {
      for (let id = 0; id < n; id++) load.set(id, Math.floor(loadReplay.next() * 3));
      return balancer.pick({ key: -1 });
    });
    expect(picks).toEqual(expected);
    expect(random.used).toBe(script.length);
  });
});

describe('LeastRequestBalancer, full_scan on ActiveRequests masks', () => {
  it('picks exactly what a scan of active() picks, draw for draw (property)', () => {
    // ActiveRequests hands over the least-loaded ids without a scan when the endpoint ids are
    // below 32 and ascending; anything else scans. Either way the picks and draws must be those
    // of a plain LoadView that only answers active().
    const endpointIds = fc.oneof(
      fc.integer({ min: 1, max: 32 }).map((n) => Array.from({ length: n }, (_, i) => i)),
      fc.uniqueArray(fc.nat(40), { minLength: 1, maxLength: 20 }).map((ids) => ids.sort((a, b) => a - b)),
      fc.uniqueArray(fc.nat(40), { minLength: 1, maxLength: 20 }),
    );
    const step = fc.record({ start: fc.boolean(), slot: fc.nat(100) });
    fc.assert(
      fc.property(endpointIds, fc.array(step, { maxLength: 200 }), fc.nat(1000), (ids, steps, seed) => {
        const active = new ActiveRequests(8);
        const plain: LoadView = { active: (id) => active.active(id) };
        const withMasks = leastRequest(seeded(`masks-${seed}`), active, ids.map(() => 1), { selection: 'full_scan' });
        withMasks.setEndpoints(endpointsOf(ids.map(() => 1), ids));
        const scanning = leastRequest(seeded(`masks-${seed}`), plain, ids.map(() => 1), { selection: 'full_scan' });
        scanning.setEndpoints(endpointsOf(ids.map(() => 1), ids));
        for (const { start, slot } of steps) {
          const id = ids[slot % ids.length]!;
          if (start) active.start(id);
          else if (active.active(id) > 0) active.end(id);
          expect(withMasks.pick({ key: -1 })).toBe(scanning.pick({ key: -1 }));
        }
      }),
    );
  });
});

describe('LeastRequestBalancer, weighted path (EDF on weight / (active + 1)^bias)', () => {
  it('reacts to active requests at re-add time (Envoy LeastRequestLoadBalancerTest.WeightImbalance)', () => {
    const load = new FixedLoad();
    const balancer = leastRequest(constantRandom(0), load, [1, 2]);
    // 2:1 for host 1.
    expect(pickMany(balancer, 6)).toEqual([1, 0, 1, 1, 0, 1]);
    // Host 1 with one active request: 2/2 = 1, so 1:1.
    load.set(1, 1);
    expect(pickMany(balancer, 5)).toEqual([1, 0, 1, 0, 1]);
    // Host 0 with one active request, host 1 with none: 1/2 against 2, so 1:4.
    load.set(0, 1);
    load.set(1, 0);
    expect(pickMany(balancer, 10)).toEqual([0, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
  });

  it('follows weight / (active + 1) in the long run', () => {
    // Weights 1, 2, 3 with loads 0, 1, 5 → dynamic weights 1, 1, 0.5 → shares 2/5, 2/5, 1/5.
    const balancer = leastRequest(seeded('lr-weighted'), new FixedLoad({ 1: 1, 2: 5 }), [1, 2, 3]);
    const counts = countPicks(balancer, 5000);
    expect(Math.abs(counts.get(0)! - 2000)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts.get(1)! - 2000)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts.get(2)! - 1000)).toBeLessThanOrEqual(2);
  });

  it('ignores load with bias 0 and takes its power otherwise', () => {
    const load = new FixedLoad({ 1: 8 });
    const unbiased = countPicks(leastRequest(seeded('lr-bias0'), load, [1, 3], { activeRequestBias: 0 }), 4000);
    expect([unbiased.get(0), unbiased.get(1)]).toEqual([1000, 3000]);
    // Bias 0.5: 3 / √(8 + 1) = 1, the same as host 0.
    const half = countPicks(leastRequest(seeded('lr-bias-half'), load, [1, 3], { activeRequestBias: 0.5 }), 4000);
    expect([half.get(0), half.get(1)]).toEqual([2000, 2000]);
  });
});

describe('LeastRequestBalancer options', () => {
  it('rejects fewer than two choices, an unknown selection and a negative or NaN bias', () => {
    const deps = depsOf(seeded('x'));
    expect(() => new LeastRequestBalancer(deps, { ...DEFAULTS, choices: 1 })).toThrow(RangeError);
    expect(() => new LeastRequestBalancer(deps, { ...DEFAULTS, choices: 2.5 })).toThrow(RangeError);
    expect(() => new LeastRequestBalancer(deps, { ...DEFAULTS, selection: 'scan' as 'full_scan' })).toThrow(RangeError);
    expect(() => new LeastRequestBalancer(deps, { ...DEFAULTS, activeRequestBias: -1 })).toThrow(RangeError);
    expect(() => new LeastRequestBalancer(deps, { ...DEFAULTS, activeRequestBias: Number.NaN })).toThrow(RangeError);
  });
});
