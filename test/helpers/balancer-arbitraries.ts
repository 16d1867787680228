/**
 * Random balancer configs of every built-in kind, with the options that change how each one
 * builds and rebuilds its state (weights paths, slow start, Envoy host selection's panic and
 * zone-aware routing, hashing tables, aperture sizes), and random endpoint attributes. Shared by
 * the equality properties: incremental against full endpoint updates, the fast path against
 * the full simulation.
 */
import fc from 'fast-check';
import { BALANCER_KINDS } from '../../src/balancers/registry.js';
import type { BalancerKind } from '../../src/balancers/configs.js';

export type BalancerInput = { kind: BalancerKind } & Record<string, unknown>;

const slowStart = fc.record({ windowMs: fc.integer({ min: 50, max: 5000 }), aggression: fc.constantFrom(1, 2), minWeightPercent: fc.constantFrom(10, 30) });
const zoneAware = fc.record({
  enabled: fc.constant(true),
  minClusterSize: fc.integer({ min: 0, max: 8 }),
  routingEnabled: fc.constantFrom(100, 70),
});
/** Envoy host-selection options, each present or not. */
const hostSelection = fc.record(
  { panicThreshold: fc.constantFrom(0, 50, 80), overprovisioningFactor: fc.constantFrom(1, 1.4), zoneAware },
  { requiredKeys: [] },
);

/** Options per kind; each arbitrary yields a config input for `balancerConfig.parse`. */
const byKind: { readonly [K in BalancerKind]: fc.Arbitrary<Record<string, unknown>> } = {
  round_robin: fc.tuple(hostSelection, fc.option(slowStart, { nil: undefined })).map(([h, s]) => ({ ...h, ...(s && { slowStart: s }) })),
  random: hostSelection,
  weighted_round_robin: fc.oneof(hostSelection.map((h) => ({ ...h, variant: 'edf' })), fc.constant({ variant: 'smooth' })),
  least_request: fc
    .tuple(
      hostSelection,
      fc.option(slowStart, { nil: undefined }),
      fc.constantFrom('n_choices', 'full_scan'),
      fc.integer({ min: 2, max: 3 }),
      fc.constantFrom(0, 0.5, 1),
    )
    .map(([h, s, selection, choices, activeRequestBias]) => ({ ...h, ...(s && { slowStart: s }), selection, choices, activeRequestBias })),
  grpc_weighted_round_robin: fc.constant({}),
  jsq: fc.constant({}),
  jiq: fc.constant({}),
  ring_hash: fc.record({ minimumRingSize: fc.constantFrom(64, 1024), hashBalanceFactor: fc.constant(150) }, { requiredKeys: [] }),
  maglev: fc.record({ tableSize: fc.constantFrom(251, 2039), hashBalanceFactor: fc.constant(150) }, { requiredKeys: [] }),
  peak_ewma: fc.constant({}),
  finagle_p2c: fc.constant({}),
  finagle_peak_ewma: fc.constant({}),
  finagle_aperture: fc.record({ minAperture: fc.integer({ min: 1, max: 6 }) }, { requiredKeys: [] }),
  nginx_least_conn: fc.constant({}),
  nginx_random_two: fc.constant({}),
  haproxy_leastconn: fc.constant({}),
  haproxy_random: fc.record({ draws: fc.integer({ min: 1, max: 3 }) }, { requiredKeys: [] }),
  haproxy_first: fc.record({ maxconn: fc.integer({ min: 1, max: 4 }) }),
};

/** A config of `kind` with random options. */
export function balancerOf(kind: BalancerKind): fc.Arbitrary<BalancerInput> {
  return byKind[kind].map((options) => ({ ...options, kind }));
}

/** A config of any built-in kind, every kind equally likely. */
export const anyBalancer: fc.Arbitrary<BalancerInput> = fc.constantFrom(...BALANCER_KINDS).chain(balancerOf);

/** Instance overrides for `instances` instances: weights, speeds, a second zone, a second priority level. */
export function overridesOf(instances: number): fc.Arbitrary<Record<string, unknown>[]> {
  const ids = fc.uniqueArray(fc.integer({ min: 0, max: instances - 1 }), { minLength: 1, maxLength: Math.max(1, Math.floor(instances / 2)) });
  const override = fc.oneof(
    fc.tuple(ids, fc.integer({ min: 2, max: 5 })).map(([list, weight]) => ({ instances: list, weight })),
    fc.tuple(ids, fc.constantFrom(0.5, 2)).map(([list, speed]) => ({ instances: list, speed })),
    ids.map((list) => ({ instances: list, zone: 'zone-b' })),
    ids.map((list) => ({ instances: list, priority: 1 })),
  );
  return fc.array(override, { maxLength: 3 });
}
