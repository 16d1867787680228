/**
 * The Balancer contract for the consistent-hashing kinds, with and without bounded load:
 * empty → -1, one endpoint → it, only ids of the current set (a fast-check property over
 * endpoint sets, weights, keys and loads), determinism; and their registry entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { MaglevBalancer } from '../../src/balancers/maglev.js';
import { balancerLabel, createBalancer } from '../../src/balancers/registry.js';
import { RingHashBalancer } from '../../src/balancers/ring-hash.js';
import type { Endpoint } from '../../src/balancers/types.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, depsOf, endpointsOf, pickMany, seeded, expectInvalidEndpointsRejected } from './_harness.js';

const CONFIGS: readonly BalancerConfig[] = [
  { kind: 'ring_hash' },
  { kind: 'ring_hash', minimumRingSize: 64, maximumRingSize: 256, hashBalanceFactor: 125 },
  { kind: 'maglev' },
  { kind: 'maglev', tableSize: 251, hashBalanceFactor: 150 },
].map((config) => balancerConfig.parse(config));

const MIXED: readonly Endpoint[] = endpointsOf([1, 3, 2, 5, 1, 1, 4, 2], [7, 11, 13, 17, 19, 23, 29, 31]);

describe.each(CONFIGS.map((config) => [balancerLabel(config), config] as const))('%s', (_label, config) => {
  it('returns -1 with no endpoints: before the first setEndpoints, for an empty set, and after emptying', () => {
    const balancer = createBalancer(config, depsOf(seeded('hash-contract-empty')));
    expect(balancer.pick(NO_KEY)).toBe(-1);
    expect(balancer.pick({ key: 5 })).toBe(-1);
    balancer.setEndpoints([]);
    expect(balancer.pick({ key: 5 })).toBe(-1);
    balancer.setEndpoints(MIXED);
    balancer.pick({ key: 5 });
    balancer.setEndpoints([]);
    expect(pickMany(balancer, 3)).toEqual([-1, -1, -1]);
  });

  it('returns the only endpoint of a one-endpoint set, for every key and none', () => {
    const balancer = createBalancer(config, depsOf(seeded('hash-contract-single'), new FixedLoad({ 123_456: 9 })));
    balancer.setEndpoints(endpointsOf([7], [123_456]));
    expect(new Set(pickMany(balancer, 20))).toEqual(new Set([123_456]));
    for (let key = 0; key < 50; key++) expect(balancer.pick({ key })).toBe(123_456);
  });

  it('returns an id of the current set for any set, key and load (property)', () => {
    const endpointSets = fc
      .uniqueArray(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 24 })
      .chain((ids) => fc.tuple(fc.constant(ids), fc.array(fc.integer({ min: 1, max: 20 }), { minLength: ids.length, maxLength: ids.length })));
    fc.assert(
      fc.property(
        endpointSets,
        fc.array(fc.integer({ min: -1, max: 2_000_000 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.nat(12), { maxLength: 24 }),
        ([ids, weights], keys, loads) => {
          const load = new FixedLoad(Object.fromEntries(ids.map((id, i) => [id, loads[i] ?? 0])));
          const balancer = createBalancer(config, depsOf(seeded('hash-contract-property'), load));
          balancer.setEndpoints(endpointsOf(weights, ids));
          const members = new Set(ids);
          for (const key of keys) expect(members.has(balancer.pick({ key }))).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is deterministic given the random source and the load', () => {
    const run = (): number[] => {
      const load = new ActiveRequests(64);
      const balancer = createBalancer(config, depsOf(seeded('hash-contract-determinism'), load));
      balancer.setEndpoints(MIXED);
      const picks: number[] = [];
      for (let i = 0; i < 3000; i++) {
        if (i === 1500) balancer.setEndpoints(MIXED.slice(2));
        const id = balancer.pick({ key: i % 3 === 0 ? -1 : i % 97 });
        picks.push(id);
        load.start(id);
        if (i % 3 === 2) load.end(picks[i - 2]!);
      }
      return picks;
    };
    expect(run()).toEqual(run());
  });

  it('rejects duplicate ids, negative or fractional ids and non-positive weights', () => {
    const balancer = createBalancer(config, depsOf(seeded('hash-contract-invalid')));
    expectInvalidEndpointsRejected(balancer);
  });
});

describe('consistent-hashing registry entries', () => {
  it('builds the classes with the schema defaults', () => {
    const deps = depsOf(seeded('hash-registry'));
    const ring = createBalancer(balancerConfig.parse({ kind: 'ring_hash' }), deps);
    expect(ring).toBeInstanceOf(RingHashBalancer);
    expect([(ring as RingHashBalancer).minimumRingSize, (ring as RingHashBalancer).maximumRingSize]).toEqual([1024, 8_388_608]);
    const table = createBalancer(balancerConfig.parse({ kind: 'maglev', hashBalanceFactor: 150 }), deps);
    expect(table).toBeInstanceOf(MaglevBalancer);
    expect([(table as MaglevBalancer).tableSize, (table as MaglevBalancer).hashBalanceFactor]).toEqual([65537, 150]);
  });

  it('labels the kind with its non-default options', () => {
    const label = (input: unknown): string => balancerLabel(balancerConfig.parse(input));
    expect(label({ kind: 'ring_hash' })).toBe('ring_hash');
    expect(label({ kind: 'ring_hash', minimumRingSize: 4096, hashBalanceFactor: 150 })).toBe('ring_hash(min=4096,balance=150)');
    expect(label({ kind: 'ring_hash', maximumRingSize: 2048 })).toBe('ring_hash(max=2048)');
    expect(label({ kind: 'maglev' })).toBe('maglev');
    expect(label({ kind: 'maglev', tableSize: 131071, hashBalanceFactor: 125 })).toBe('maglev(table=131071,balance=125)');
  });
});
