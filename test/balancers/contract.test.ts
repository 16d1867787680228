/**
 * The Balancer contract, checked for every built-in balancer and variant: empty → -1, one
 * endpoint → it, only ids of the current set, determinism given the random source.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { balancerLabel, createBalancer } from '../../src/balancers/registry.js';
import type { Balancer, Endpoint } from '../../src/balancers/types.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, depsOf, endpointsOf, pickMany, seeded, expectInvalidEndpointsRejected } from './_harness.js';
import { RngStream } from '../../src/engine/rng.js';

const CONFIGS: readonly BalancerConfig[] = [
  { kind: 'round_robin' },
  { kind: 'random' },
  { kind: 'weighted_round_robin', variant: 'edf' },
  { kind: 'weighted_round_robin', variant: 'smooth' },
  { kind: 'least_request', choices: 2, selection: 'n_choices', activeRequestBias: 1 },
  { kind: 'least_request', choices: 3, selection: 'full_scan', activeRequestBias: 1 },
  { kind: 'least_request', choices: 2, selection: 'n_choices', activeRequestBias: 0.5 },
].map((config) => balancerConfig.parse(config));

/** Mixed weights, so the weighted paths (EDF) are exercised too. */
const MIXED: readonly Endpoint[] = endpointsOf([1, 3, 2, 5, 1, 1, 4, 2], [7, 11, 13, 17, 19, 23, 29, 31]);

describe.each(CONFIGS.map((config) => [balancerLabel(config), config] as const))('%s', (_label, config) => {
  it('returns -1 with no endpoints: before the first setEndpoints, for an empty set, and after emptying', () => {
    const balancer = createBalancer(config, depsOf(seeded('contract-empty')));
    expect(balancer.pick(NO_KEY)).toBe(-1);
    balancer.setEndpoints([]);
    expect(balancer.pick(NO_KEY)).toBe(-1);
    balancer.setEndpoints(MIXED);
    balancer.pick(NO_KEY);
    balancer.setEndpoints([]);
    expect(pickMany(balancer, 3)).toEqual([-1, -1, -1]);
  });

  it('returns the only endpoint of a one-endpoint set', () => {
    const balancer = createBalancer(config, depsOf(seeded('contract-single'), new FixedLoad({ 123_456: 9 })));
    balancer.setEndpoints(endpointsOf([7], [123_456]));
    expect(new Set(pickMany(balancer, 20))).toEqual(new Set([123_456]));
  });

  it('returns only ids of the current set after a membership change', () => {
    const balancer = createBalancer(config, depsOf(seeded('contract-membership')));
    balancer.setEndpoints(MIXED);
    const first = new Set(MIXED.map((e) => e.id));
    for (const id of pickMany(balancer, 200)) expect(first.has(id)).toBe(true);
    const next = endpointsOf([2, 2, 1, 9], [31, 1000, 7, 5]);
    balancer.setEndpoints(next);
    const picked = new Set(pickMany(balancer, 300));
    expect([...picked].every((id) => next.some((e) => e.id === id))).toBe(true);
  });

  it('is deterministic given the random source and the load', () => {
    const run = (): number[] => {
      const load = new ActiveRequests(64);
      const balancer = createBalancer(config, depsOf(seeded('contract-determinism'), load));
      balancer.setEndpoints(MIXED);
      const picks: number[] = [];
      for (let i = 0; i < 3000; i++) {
        if (i === 1500) balancer.setEndpoints(MIXED.slice(2));
        const id = balancer.pick(NO_KEY);
        picks.push(id);
        load.start(id);
        if (i % 3 === 2) load.end(picks[i - 2]!);
      }
      return picks;
    };
    expect(run()).toEqual(run());
  });

  it('rejects duplicate ids, negative or fractional ids and non-positive weights', () => {
    const balancer = createBalancer(config, depsOf(seeded('contract-invalid')));
    expectInvalidEndpointsRejected(balancer);
  });
});

describe('every balancer, property', () => {
  const endpointSet = fc.uniqueArray(
    fc.record({
      id: fc.nat({ max: 1_000_000 }),
      weight: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.001, max: 1000, noNaN: true })),
    }),
    { selector: (e) => e.id, maxLength: 40 },
  );

  it('pick returns an id from the current set, or -1 exactly when the set is empty', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...CONFIGS),
        endpointSet,
        endpointSet,
        fc.array(fc.nat({ max: 20 }), { maxLength: 40 }),
        fc.nat(),
        (config, firstSet, secondSet, loads, seed) => {
          const load = new FixedLoad();
          firstSet.forEach((e, i) => load.set(e.id, loads[i] ?? 0));
          const balancer: Balancer = createBalancer(config, depsOf(new RngStream(`property/${seed}`), load));
          for (const set of [firstSet, secondSet]) {
            const endpoints = set.map((e) => ({ ...e, zone: 'zone-a' }));
            balancer.setEndpoints(endpoints);
            const ids = new Set(endpoints.map((e) => e.id));
            for (const id of pickMany(balancer, 30)) {
              if (ids.size === 0) expect(id).toBe(-1);
              else expect(ids.has(id)).toBe(true);
            }
          }
        },
      ),
    );
  });
});
