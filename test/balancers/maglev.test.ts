import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xxHash64OfString } from '../../src/balancers/_internals/xxhash64.js';
import { balancerConfig } from '../../src/balancers/configs.js';
import { MaglevBalancer, type MaglevOptions } from '../../src/balancers/maglev.js';
import { describeIssues } from '../../src/scenario/issues.js';
import type { LoadView } from '../../src/balancers/types.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, ScriptedRandom, constantRandom, depsOf, endpointsOf, seeded } from './_harness.js';
import { assignKeys, byAddress, byHostname, countByHost, movement, pickByBigHash, portEndpoints } from './_hashing.js';

function maglev(options: Partial<MaglevOptions> = {}, load: LoadView = new FixedLoad()): MaglevBalancer {
  return new MaglevBalancer(depsOf(constantRandom(0.5), load), { tableSize: 65537, ...options });
}

/** Envoy's tests pass hash i directly: the table, entry by entry. */
function tableOf(balancer: MaglevBalancer, size: number): number[] {
  return Array.from({ length: size }, (_, i) => balancer.pickByHash(0, i));
}

describe('MaglevBalancer: Envoy conformance (maglev_lb_test.cc)', () => {
  const SIX_PORTS = [90, 91, 92, 93, 94, 95];

  it('Basic: a table of 7 keyed by address', () => {
    const balancer = maglev({ tableSize: 7, hostHashKey: byAddress });
    balancer.setEndpoints(portEndpoints(SIX_PORTS));
    expect(balancer.stats()).toEqual({ size: 7, minEntriesPerHost: 1, maxEntriesPerHost: 2 });
    expect(tableOf(balancer, 21)).toEqual([2, 4, 0, 1, 5, 0, 3, 2, 4, 0, 1, 5, 0, 3, 2, 4, 0, 1, 5, 0, 3]);
  });

  it('BasicWithHostName: the table with hostnames as host keys', () => {
    const balancer = maglev({ tableSize: 7, hostHashKey: byHostname });
    balancer.setEndpoints(portEndpoints(SIX_PORTS));
    expect(tableOf(balancer, 7)).toEqual([2, 5, 0, 3, 4, 1, 0]);
  });

  it('BasicStability: the table does not depend on the order of the endpoints', () => {
    const balancer = maglev({ tableSize: 7, hostHashKey: byAddress });
    const endpoints = portEndpoints(SIX_PORTS);
    balancer.setEndpoints([endpoints[3]!, endpoints[0]!, endpoints[5]!, endpoints[1]!, endpoints[4]!, endpoints[2]!]);
    expect(tableOf(balancer, 7)).toEqual([2, 4, 0, 1, 5, 0, 3]);
  });

  it('Weighted: weights 1 and 2 in a table of 17', () => {
    const balancer = maglev({ tableSize: 17, hostHashKey: byAddress });
    balancer.setEndpoints(portEndpoints([90, 91], [1, 2]));
    expect(balancer.stats()).toEqual({ size: 17, minEntriesPerHost: 6, maxEntriesPerHost: 11 });
    expect(tableOf(balancer, 17)).toEqual([1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1, 0, 1, 0, 1]);
  });

  it('SingleHost: every hash picks the one host', () => {
    const balancer = maglev({ tableSize: 7, hostHashKey: byAddress });
    balancer.setEndpoints(portEndpoints([90]));
    expect(new Set(tableOf(balancer, 7))).toEqual(new Set([0]));
  });

  it('load_balancers.rst: weights 1 and 2 give 21,846 and 43,691 of 65,537 entries', () => {
    const balancer = maglev();
    balancer.setEndpoints(endpointsOf([1, 2]));
    expect(balancer.entriesPerEndpoint()).toEqual(new Map([[0, 21_846], [1, 43_691]]));
  });

  it('NoPrimeNumber: a table size that is not prime is refused', () => {
    expect(() => maglev({ tableSize: 8 })).toThrow(/prime/);
    expect(() => maglev({ tableSize: 65536 })).toThrow(RangeError);
  });
});

describe('MaglevBalancer: table entries', () => {
  it('gives equal weights ⌊M/n⌋ or ⌈M/n⌉ entries: one turn each per iteration', () => {
    for (const hosts of [3, 8, 13, 100]) {
      const balancer = maglev();
      balancer.setEndpoints(endpointsOf(new Array<number>(hosts).fill(1)));
      const { minEntriesPerHost, maxEntriesPerHost } = balancer.stats();
      expect(minEntriesPerHost).toBe(Math.floor(65537 / hosts));
      expect(maxEntriesPerHost).toBe(Math.ceil(65537 / hosts));
    }
  });

  it('gives each host entries within 1 + n·w of w·M, w its normalised weight', () => {
    // Host h takes turn t at the first iteration i with i·w ≥ (t − 1)·w_max, so after I
    // iterations it has I·w/w_max + δ entries, δ ∈ (−1, 1] (the last iteration may stop before
    // its turn). Summing over hosts, I/w_max = M − Σδ, hence entries − w·M = δ_h − w·Σδ, at
    // most 1 + n·w in size.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 12 }), (weights) => {
        const balancer = maglev({ tableSize: 10_007 });
        balancer.setEndpoints(endpointsOf(weights));
        const total = weights.reduce((a, b) => a + b, 0);
        for (const [id, entries] of balancer.entriesPerEndpoint()) {
          const share = weights[id]! / total;
          expect(Math.abs(entries - share * 10_007)).toBeLessThanOrEqual(1 + weights.length * share + 1e-9);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('MaglevBalancer: request keys', () => {
  it('hashes a key as xxHash64 of its decimal string and looks up table[hash mod M]', () => {
    const balancer = maglev({ tableSize: 7, hostHashKey: byAddress });
    balancer.setEndpoints(portEndpoints([90, 91, 92, 93, 94, 95]));
    const table = [2, 4, 0, 1, 5, 0, 3];
    for (const key of [0, 1, 99, 65_536, 10 ** 12]) {
      const hash = xxHash64OfString(String(key));
      expect(balancer.pick({ key })).toBe(table[Number(hash % 7n)]);
      expect(balancer.pick({ key })).toBe(pickByBigHash(balancer, hash));
    }
  });

  it('looks up table[hash mod M] for any 64-bit hash', () => {
    const balancer = maglev({ tableSize: 7, hostHashKey: byAddress });
    balancer.setEndpoints(portEndpoints([90, 91, 92, 93, 94, 95]));
    const table = [2, 4, 0, 1, 5, 0, 3];
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (hash) => {
        expect(pickByBigHash(balancer, hash)).toBe(table[Number(hash % 7n)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the same key on the same host while the set is unchanged, on every client', () => {
    const endpoints = endpointsOf([1, 2, 1, 3, 1], [4, 8, 15, 16, 23]);
    const balancer = maglev();
    balancer.setEndpoints(endpoints);
    const first = assignKeys(balancer, 5000);
    expect(assignKeys(balancer, 5000)).toEqual(first);
    balancer.setEndpoints([...endpoints].reverse());
    expect(assignKeys(balancer, 5000)).toEqual(first);
    const other = new MaglevBalancer(depsOf(seeded('maglev-other-client')), { tableSize: 65537 });
    other.setEndpoints(endpoints);
    expect(assignKeys(other, 5000)).toEqual(first);
  });

  it('hashes a keyless request with one random draw', () => {
    const random = new ScriptedRandom([0, 0.999]);
    const balancer = new MaglevBalancer(depsOf(random), { tableSize: 7, hostHashKey: byAddress });
    balancer.setEndpoints(portEndpoints([90, 91, 92, 93, 94, 95]));
    expect(balancer.pick({ key: -1 })).toBe(2); // hash 0 → entry 0
    // The draw's 53 bits become the top of the hash: hi = ⌊u·2^32⌋, lo = the fraction · 2^32.
    const scaled = 0.999 * 2 ** 32;
    const hash = (BigInt(Math.floor(scaled)) << 32n) + BigInt((scaled - Math.floor(scaled)) * 2 ** 32);
    expect(balancer.pick({ key: -1 })).toBe([2, 4, 0, 1, 5, 0, 3][Number(hash % 7n)]);
    expect(random.used).toBe(2);
  });

  it('spreads keys as its entries do: binomial around entries/M, within 4.5 sd', () => {
    const keys = 200_000;
    const balancer = maglev();
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1, 2, 2, 3, 5]));
    const entries = balancer.entriesPerEndpoint();
    for (const [id, count] of countByHost(assignKeys(balancer, keys))) {
      const p = entries.get(id)! / 65537;
      expect(Math.abs(count - keys * p)).toBeLessThan(4.5 * Math.sqrt(keys * p * (1 - p)));
    }
  });
});

describe('MaglevBalancer: removing one of N hosts', () => {
  const keys = 100_000;
  const hostsWithout = (n: number, removed: number) => endpointsOf(new Array<number>(n).fill(1)).filter((e) => e.id !== removed);
  const movedOnRemoval = (n: number, removed: number, tableSize = 65537) => {
    const before = maglev({ tableSize });
    before.setEndpoints(hostsWithout(n, -1));
    const after = maglev({ tableSize });
    after.setEndpoints(hostsWithout(n, removed));
    return movement(assignKeys(before, keys), assignKeys(after, keys), removed);
  };

  it('moves the removed host’s keys and few others with 8 hosts (measured ≤ 1.02 × ideal; bound 1.1 ×)', () => {
    for (let removed = 0; removed < 8; removed++) {
      const moved = movedOnRemoval(8, removed);
      expect(moved.moved).toBeGreaterThanOrEqual(moved.removedShare);
      expect(moved.moved).toBeLessThan(1.1 * moved.removedShare);
    }
  });

  it('moves at most about double the ideal with 100 hosts, as Envoy’s docs estimate, and less with a bigger table', () => {
    // Measured: 1.58 × the removed host's share with M = 65537, 1.14 × with M = 655373.
    const small = movedOnRemoval(100, 99);
    expect(small.moved).toBeGreaterThanOrEqual(small.removedShare);
    expect(small.moved).toBeLessThan(2 * small.removedShare);
    const large = movedOnRemoval(100, 99, 655_373);
    expect(large.movedElsewhere).toBeLessThan(small.movedElsewhere / 2);
  });
});

describe('MaglevBalancer: bounded load (hashBalanceFactor)', () => {
  it('never picks a host over its capacity, and spills a hot key', () => {
    const hosts = 8;
    const factor = 150;
    const load = new ActiveRequests(hosts);
    const balancer = maglev({ hashBalanceFactor: factor }, load);
    const plain = maglev({}, load);
    balancer.setEndpoints(endpointsOf(new Array<number>(hosts).fill(1)));
    plain.setEndpoints(endpointsOf(new Array<number>(hosts).fill(1)));
    const random = seeded('maglev-bounded');
    const inFlight: number[] = [];
    let spilled = 0;
    for (let i = 0; i < 4000; i++) {
      const key = random.next() < 0.5 ? 0 : 1 + Math.floor(random.next() * 1000);
      let total = 0;
      for (let id = 0; id < hosts; id++) total += load.active(id);
      const id = balancer.pick({ key });
      if (id !== plain.pick({ key })) spilled++;
      const capacity = Math.max(Math.ceil(Math.floor(((total + 1) * factor + 99) / 100) / hosts), 1);
      expect(load.active(id)).toBeLessThanOrEqual(capacity);
      load.start(id);
      inFlight.push(id);
      if (i % 2 === 1) load.end(inFlight.splice(Math.floor(random.next() * inFlight.length), 1)[0]!);
    }
    expect(spilled).toBeGreaterThan(0);
  });

  it('respects weights in the capacity: the same in-flight count overloads a light host, not a heavy one', () => {
    // Weights 1, 1, 2 → shares ¼, ¼, ½. 4 + 0 + 4 = 8 in flight, factor 100: 9 slots in all,
    // ceil(9 · ¼) = 3 for a light host (4 > 3: overloaded), ceil(9 · ½) = 5 for the heavy one.
    const endpoints = endpointsOf([1, 1, 2]);
    const balancer = maglev({ hashBalanceFactor: 100 }, new FixedLoad({ 0: 4, 1: 0, 2: 4 }));
    balancer.setEndpoints(endpoints);
    const plain = maglev();
    plain.setEndpoints(endpoints);
    let hashedToLight = 0;
    for (let key = 0; key < 300; key++) {
      const hashed = plain.pick({ key });
      const picked = balancer.pick({ key });
      expect(picked).not.toBe(0);
      if (hashed === 0) hashedToLight++;
      else expect(picked).toBe(hashed);
    }
    expect(hashedToLight).toBeGreaterThan(0);
  });

  it('equals plain Maglev as the factor grows without bound', () => {
    const load = new ActiveRequests(8);
    const endpoints = endpointsOf([1, 1, 2, 1, 1, 3, 1, 1]);
    const bounded = maglev({ hashBalanceFactor: 4_294_967_295 }, load);
    const plain = maglev({}, load);
    bounded.setEndpoints(endpoints);
    plain.setEndpoints(endpoints);
    for (let key = 0; key < 3000; key++) {
      const id = plain.pick({ key: key % 7 });
      expect(bounded.pick({ key: key % 7 })).toBe(id);
      load.start(id);
    }
  });
});

describe('maglev config', () => {
  it('defaults to Envoy’s table size 65537, no bounded load', () => {
    expect(balancerConfig.parse({ kind: 'maglev' })).toEqual({ kind: 'maglev', tableSize: 65537 });
    expect(balancerConfig.parse({ kind: 'maglev', tableSize: 7, hashBalanceFactor: 150 })).toEqual({
      kind: 'maglev',
      tableSize: 7,
      hashBalanceFactor: 150,
    });
  });

  it('explains a table size that is not prime and names the nearest primes', () => {
    const input = { kind: 'maglev', tableSize: 65536 };
    const parsed = balancerConfig.safeParse(input);
    expect(parsed.success).toBe(false);
    const [report] = describeIssues(parsed.error!.issues, balancerConfig, input);
    expect(report?.path).toEqual(['tableSize']);
    expect(report?.message).toBe('expected a prime number, which Maglev needs (nearest: 65521 or 65537), found 65536');
  });

  it('rejects sizes above Envoy’s limit of 5,000,011', () => {
    expect(balancerConfig.safeParse({ kind: 'maglev', tableSize: 5_000_011 }).success).toBe(true);
    expect(balancerConfig.safeParse({ kind: 'maglev', tableSize: 5_000_077 }).success).toBe(false);
  });
});
