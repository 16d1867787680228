/**
 * Envoy's bounded-load hashing (BoundedLoadHashingLoadBalancer), checked against the scenarios
 * of Envoy's test/extensions/load_balancing_policies/common/bounded_load_hlb_test.cc. There a
 * test ring maps hash i to host i; here `choose(slot, hash)` takes the hashed host directly.
 * Envoy's tests fake overload factors; here they come from real in-flight counts.
 */
import { describe, expect, it } from 'vitest';
import { BoundedLoad, type LoadViewWithTotal } from '../../../src/balancers/_internals/bounded-load.js';
import { FixedLoad } from '../_harness.js';

function boundedOver(loads: readonly number[], factor = 100): BoundedLoad {
  const load = new FixedLoad(Object.fromEntries(loads.map((count, id) => [id, count])));
  const bounded = new BoundedLoad(factor, load);
  bounded.setHosts(Int32Array.from(loads.keys()), new Float64Array(loads.length).fill(1 / loads.length));
  return bounded;
}

describe('BoundedLoad (Envoy hash_balance_factor)', () => {
  it('returns the hashed host when no host is overloaded (NoHostEverOverloaded)', () => {
    const bounded = boundedOver([1, 1, 1, 1, 1]);
    for (let hash = 0; hash < 5; hash++) expect(bounded.choose(hash, Uint32Array.of(0, hash))).toBe(hash);
  });

  it('skips an overloaded hashed host for the next in the hash-seeded shuffle (OneHostOverloaded)', () => {
    // Envoy: "the random shuffle sequence of 5 elements with seed 2 is 2 1 0 4 3".
    // Host 2 has 3 in flight, total 3, capacity ceil(ceil(4 · 100/100) / 5) = 1.
    expect(boundedOver([0, 0, 3, 0, 0]).choose(2, Uint32Array.of(0, 2))).toBe(1);
  });

  it('passes over every overloaded host in shuffle order (MultipleHostOverloaded)', () => {
    // Hosts 0, 1, 2 with 3 each: total 9, capacity ceil(10/5) = 2 < 3. Order 2 1 0 4 3 → 4.
    expect(boundedOver([3, 3, 3, 0, 0]).choose(2, Uint32Array.of(0, 2))).toBe(4);
  });

  it('probes in a different order for different hashes on the same host (MultipleHashSameHostOverloaded)', () => {
    // Both hashes land on host 3. Seed 6 shuffles to 4 0 2 3 1, seed 7 to 0 1 4 3 2.
    const bounded = boundedOver([0, 0, 0, 3, 0]);
    expect(bounded.choose(3, Uint32Array.of(0, 6))).toBe(4);
    expect(bounded.choose(3, Uint32Array.of(0, 7))).toBe(0);
  });

  it('uses the real capacity formula (ActualHostOverloaded, factor 100 instead of Envoy’s test-only 1)', () => {
    // 2 in flight on host 2 and nowhere else: total 2, capacity ceil(3/5) = 1 → overloaded.
    expect(boundedOver([0, 0, 2, 0, 0]).choose(2, Uint32Array.of(0, 2))).toBe(1);
    // One request never overloads: every host has at least one slot.
    expect(boundedOver([0, 0, 1, 0, 0]).choose(2, Uint32Array.of(0, 2))).toBe(2);
    // A higher factor raises the capacity: 150 % of ceil(3 · 1.5) = 5 over 5 hosts is still 1 …
    expect(boundedOver([0, 0, 2, 0, 0], 150).choose(2, Uint32Array.of(0, 2))).toBe(1);
    // … and 250 % gives ceil(ceil(3 · 2.5) / 5) = 2 slots, enough for 2 in flight.
    expect(boundedOver([0, 0, 2, 0, 0], 250).choose(2, Uint32Array.of(0, 2))).toBe(2);
  });

  it('returns the least overloaded host when all are overloaded (AllHostsOverloaded), with a LoadView total', () => {
    // Only reachable when the total counts requests outside the set (Envoy's cluster gauge):
    // here a total of 10 gives capacity ceil(11/3) = 4; in flight 6, 5, 7 → factors 1.5, 1.25, 1.75.
    const counts = [6, 5, 7];
    const load: LoadViewWithTotal = { active: (id) => counts[id] ?? 0, total: () => 10 };
    const bounded = new BoundedLoad(100, load);
    bounded.setHosts(Int32Array.of(0, 1, 2), new Float64Array(3).fill(1 / 3));
    expect(bounded.choose(0, Uint32Array.of(0, 0))).toBe(1);
    expect(bounded.choose(2, Uint32Array.of(0, 12345))).toBe(1);
  });

  it('rejects factors below 100 and non-integers, as Envoy’s proto does', () => {
    const load = new FixedLoad();
    expect(() => new BoundedLoad(99, load)).toThrow(RangeError);
    expect(() => new BoundedLoad(150.5, load)).toThrow(RangeError);
    expect(() => new BoundedLoad(100, load)).not.toThrow();
  });
});
