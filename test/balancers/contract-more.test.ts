/**
 * The Balancer contract (as in contract.test.ts) for gRPC weighted_round_robin, the research
 * references and the Envoy kinds with host-selection and slow-start options set: empty → -1,
 * one endpoint → it, only ids of the current set, determinism, invalid sets rejected.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { balancerLabel, createBalancer } from '../../src/balancers/registry.js';
import type { Balancer, BalancerDeps, Endpoint, RandomSource } from '../../src/balancers/types.js';
import { RngStream } from '../../src/engine/rng.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, depsOf, endpointsOf, pickMany, seeded, expectInvalidEndpointsRejected } from './_harness.js';

const CONFIGS: readonly BalancerConfig[] = [
  { kind: 'grpc_weighted_round_robin' },
  { kind: 'grpc_weighted_round_robin', blackoutPeriodMs: 0, enableOobLoadReport: true },
  { kind: 'jsq' },
  { kind: 'jiq' },
  { kind: 'round_robin', panicThreshold: 0, zoneAware: { enabled: true, minClusterSize: 1 }, slowStart: { windowMs: 1000 } },
  { kind: 'random', overprovisioningFactor: 1, zoneAware: { enabled: true, minClusterSize: 2, routingEnabled: 50 } },
  { kind: 'least_request', selection: 'full_scan', panicThreshold: 90, slowStart: { windowMs: 500, aggression: 3 } },
  { kind: 'weighted_round_robin', zoneAware: { enabled: true, localFleet: { z0: 1, z1: 3 } } },
].map((config) => balancerConfig.parse(config));

/** Mixed weights, zones, priorities and health, so every host-selection path is exercised. */
const MIXED: readonly Endpoint[] = endpointsOf([1, 3, 2, 5, 1, 1, 4, 2], [7, 11, 13, 17, 19, 23, 29, 31]).map((e, i) => ({
  ...e,
  zone: `z${i % 3}`,
  priority: i % 4 === 3 ? 1 : 0,
  healthy: i % 5 !== 2,
}));

/** Deps with a clock that advances 1 ms per call, a global view and a zone, for every kind. */
function fullDeps(random: RandomSource, load = new FixedLoad() as ActiveRequests | FixedLoad): BalancerDeps {
  let t = 0;
  return { ...depsOf(random, load), now: () => (t += 1), localZone: 'z0', global: { queueLength: (id) => load.active(id) } };
}

/** Feeds the callbacks a balancer listens to, as the simulator would. */
function feedback(balancer: Balancer, id: number): void {
  balancer.onBackendReport?.(id, { utilization: 0.5, qps: 10 + (id % 7), eps: id % 2 });
  balancer.onIdle?.(id);
}

describe.each(CONFIGS.map((config) => [balancerLabel(config), config] as const))('%s', (_label, config) => {
  it('returns -1 with no endpoints: before the first setEndpoints, for an empty set, and after emptying', () => {
    const balancer = createBalancer(config, fullDeps(seeded('more-empty')));
    expect(balancer.pick(NO_KEY)).toBe(-1);
    balancer.setEndpoints([]);
    expect(balancer.pick(NO_KEY)).toBe(-1);
    balancer.setEndpoints(MIXED);
    balancer.pick(NO_KEY);
    balancer.setEndpoints([]);
    expect(pickMany(balancer, 3)).toEqual([-1, -1, -1]);
  });

  it('returns the only endpoint of a one-endpoint set', () => {
    const balancer = createBalancer(config, fullDeps(seeded('more-single'), new FixedLoad({ 123_456: 9 })));
    balancer.setEndpoints(endpointsOf([7], [123_456]));
    feedback(balancer, 123_456);
    expect(new Set(pickMany(balancer, 20))).toEqual(new Set([123_456]));
  });

  it('returns only ids of the current set after a membership change', () => {
    const balancer = createBalancer(config, fullDeps(seeded('more-membership')));
    balancer.setEndpoints(MIXED);
    const first = new Set(MIXED.map((e) => e.id));
    for (const id of pickMany(balancer, 200)) expect(first.has(id)).toBe(true);
    const next = endpointsOf([2, 2, 1, 9], [31, 1000, 7, 5]);
    balancer.setEndpoints(next);
    for (const id of pickMany(balancer, 300)) expect(next.some((e) => e.id === id)).toBe(true);
  });

  it('is deterministic given the random source, the clock and the feedback', () => {
    const run = (): number[] => {
      const load = new ActiveRequests(64);
      const balancer = createBalancer(config, fullDeps(seeded('more-determinism'), load));
      balancer.setEndpoints(MIXED);
      const picks: number[] = [];
      for (let i = 0; i < 3000; i++) {
        if (i === 1500) balancer.setEndpoints(MIXED.slice(2));
        const id = balancer.pick(NO_KEY);
        picks.push(id);
        load.start(id);
        if (i % 3 === 2) {
          load.end(picks[i - 2]!);
          feedback(balancer, picks[i - 2]!);
        }
      }
      return picks;
    };
    expect(run()).toEqual(run());
  });

  it('rejects duplicate ids, negative or fractional ids and non-positive weights', () => {
    const balancer = createBalancer(config, fullDeps(seeded('more-invalid')));
    expectInvalidEndpointsRejected(balancer);
  });
});

describe('these balancers, property', () => {
  const endpointSet = fc.uniqueArray(
    fc.record({
      id: fc.nat({ max: 1_000_000 }),
      weight: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.001, max: 1000, noNaN: true })),
      zone: fc.constantFrom('z0', 'z1', 'z2'),
      priority: fc.nat({ max: 3 }),
      healthy: fc.boolean(),
    }),
    { selector: (e) => e.id, maxLength: 40 },
  );

  it('pick returns an id from the current set, or -1; only ids eligible under Envoy host selection', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONFIGS), endpointSet, endpointSet, fc.nat(), (config, firstSet, secondSet, seed) => {
        const balancer = createBalancer(config, fullDeps(new RngStream(`more-property/${seed}`)));
        for (const set of [firstSet, secondSet]) {
          balancer.setEndpoints(set);
          const ids = new Set(set.map((e) => e.id));
          for (const id of pickMany(balancer, 30)) {
            if (id === -1) continue; // no healthy host with panic off, or an empty zone
            expect(ids.has(id)).toBe(true);
          }
          if (set.length > 0 && set.every((e) => e.healthy)) {
            // With every endpoint healthy there is always a host to pick.
            expect(balancer.pick(NO_KEY)).not.toBe(-1);
          }
        }
      }),
    );
  });
});
