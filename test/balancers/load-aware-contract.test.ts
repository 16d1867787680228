/**
 * The Balancer contract for the load-aware production balancers (Linkerd/tower, Finagle,
 * NGINX, HAProxy), built through the registry from parsed configs: empty → -1, one endpoint →
 * it, only ids of the current set, determinism given the random source, load and clock; plus
 * their schemas and labels.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import { BALANCER_KINDS, balancerLabel, createBalancer } from '../../src/balancers/registry.js';
import type { Balancer, BalancerDeps, Endpoint } from '../../src/balancers/types.js';
import { RngStream } from '../../src/engine/rng.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, depsOf, endpointsOf, pickMany, seeded, expectInvalidEndpointsRejected } from './_harness.js';

const parse = (input: unknown): BalancerConfig => balancerConfig.parse(input);

const CONFIGS: readonly BalancerConfig[] = [
  parse({ kind: 'peak_ewma' }),
  parse({ kind: 'finagle_p2c' }),
  parse({ kind: 'finagle_peak_ewma' }),
  parse({ kind: 'finagle_aperture' }),
  parse({ kind: 'finagle_aperture', load: 'peak_ewma', minAperture: 3 }),
  parse({ kind: 'nginx_least_conn' }),
  parse({ kind: 'nginx_random_two' }),
  parse({ kind: 'haproxy_leastconn' }),
  parse({ kind: 'haproxy_random' }),
  parse({ kind: 'haproxy_random', draws: 5 }),
  parse({ kind: 'haproxy_first', maxconn: 3 }),
  parse({ kind: 'haproxy_first', maxconn: 1, whenFull: 'reject' }),
];

const MIXED: readonly Endpoint[] = endpointsOf([1, 3, 2, 5, 1, 1, 4, 2], [7, 11, 13, 17, 19, 23, 29, 31]);

/** A deps bundle whose clock the test moves. */
function clocked(random: RngStream, load: ActiveRequests | FixedLoad): BalancerDeps & { tick(ms: number): void } {
  let now = 0;
  return { random, load, now: () => now, tick: (ms: number) => void (now += ms) };
}

describe.each(CONFIGS.map((config) => [balancerLabel(config), config] as const))('%s', (_label, config) => {
  it('returns -1 with no endpoints: before the first setEndpoints, for an empty set, and after emptying', () => {
    const balancer = createBalancer(config, depsOf(seeded('la-empty')));
    expect(balancer.pick(NO_KEY)).toBe(-1);
    balancer.setEndpoints([]);
    expect(balancer.pick(NO_KEY)).toBe(-1);
    balancer.setEndpoints(MIXED);
    balancer.pick(NO_KEY);
    balancer.setEndpoints([]);
    expect(pickMany(balancer, 3)).toEqual([-1, -1, -1]);
  });

  it('returns the only endpoint of a one-endpoint set, whatever its load', () => {
    const balancer = createBalancer(config, depsOf(seeded('la-single'), new FixedLoad({ 123_456: 0 })));
    balancer.setEndpoints(endpointsOf([7], [123_456]));
    expect(new Set(pickMany(balancer, 20))).toEqual(new Set([123_456]));
  });

  it('returns only ids of the current set after a membership change, with completions for old ids', () => {
    const load = new ActiveRequests(64);
    const deps = clocked(seeded('la-membership'), load);
    const balancer = createBalancer(config, deps);
    balancer.setEndpoints(MIXED);
    const inFlight: number[] = [];
    const first = new Set(MIXED.map((e) => e.id));
    const rejects = config.kind === 'haproxy_first' && config.whenFull === 'reject';
    for (let i = 0; i < 200; i++) {
      const id = balancer.pick(NO_KEY);
      if (id === -1 && rejects) continue; // every server at maxconn
      expect(first.has(id)).toBe(true);
      load.start(id);
      inFlight.push(id);
      deps.tick(1);
    }
    const next = endpointsOf([2, 2, 1, 9], [31, 1000, 7, 5]);
    balancer.setEndpoints(next);
    for (const id of inFlight.splice(0)) {
      load.end(id);
      balancer.onComplete?.(id, 3, true);
    }
    for (const id of pickMany(balancer, 300)) {
      if (rejects) expect([31, 1000, 7, 5, -1]).toContain(id);
      else expect(next.some((e) => e.id === id)).toBe(true);
    }
  });

  it('is deterministic given the random source, the load and the clock', () => {
    const run = (): number[] => {
      const load = new ActiveRequests(64);
      const deps = clocked(seeded('la-determinism'), load);
      const balancer = createBalancer(config, deps);
      balancer.setEndpoints(MIXED);
      const picks: number[] = [];
      for (let i = 0; i < 3000; i++) {
        if (i === 1500) balancer.setEndpoints(MIXED.slice(2));
        const id = balancer.pick(NO_KEY);
        picks.push(id);
        if (id >= 0) load.start(id);
        if (i % 3 === 2 && picks[i - 2]! >= 0) {
          const done = picks[i - 2]!;
          load.end(done);
          balancer.onComplete?.(done, 1 + (done % 7), true);
        }
        deps.tick(0.5);
      }
      return picks;
    };
    expect(run()).toEqual(run());
  });

  it('rejects duplicate ids, negative or fractional ids and non-positive weights', () => {
    const balancer = createBalancer(config, depsOf(seeded('la-invalid')));
    expectInvalidEndpointsRejected(balancer);
  });
});

describe('load-aware balancers, property', () => {
  // HAProxy weights are at most 256; up to 100 keeps the ring builds quick.
  const endpointSet = fc.uniqueArray(
    fc.record({
      id: fc.nat({ max: 1_000_000 }),
      weight: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0.001, max: 100, noNaN: true })),
      healthy: fc.boolean(),
    }),
    { selector: (e) => e.id, maxLength: 40 },
  );

  it('pick returns an id from the current set, or -1 exactly when the set is empty (or haproxy_first rejects)', () => {
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
          let now = 0;
          const balancer: Balancer = createBalancer(config, { random: new RngStream(`la-property/${seed}`), now: () => now, load });
          for (const set of [firstSet, secondSet]) {
            // Health-aware balancers (Finagle) get every endpoint; the others only healthy ones.
            const passed = balancer.healthAware === true ? set : set.filter((e) => e.healthy);
            const endpoints = passed.map((e) => ({ ...e, zone: 'zone-a' }));
            balancer.setEndpoints(endpoints);
            const ids = new Set(endpoints.map((e) => e.id));
            for (const id of pickMany(balancer, 30)) {
              now += 1;
              if (ids.size === 0) expect(id).toBe(-1);
              else if (id === -1) expect(config.kind === 'haproxy_first' && config.whenFull === 'reject').toBe(true);
              else expect(ids.has(id)).toBe(true);
              if (id >= 0) balancer.onComplete?.(id, id % 50, true);
            }
          }
        },
      ),
    );
  });
});

describe('load-aware configs', () => {
  it('fill the sources\' defaults', () => {
    expect(parse({ kind: 'peak_ewma' })).toEqual({ kind: 'peak_ewma', defaultRttMs: 30, decayMs: 10_000 });
    expect(parse({ kind: 'finagle_p2c' })).toEqual({ kind: 'finagle_p2c', maxEffort: 4 });
    expect(parse({ kind: 'finagle_peak_ewma' })).toEqual({ kind: 'finagle_peak_ewma', decayMs: 10_000, maxEffort: 4 });
    expect(parse({ kind: 'finagle_aperture' })).toEqual({
      kind: 'finagle_aperture',
      load: 'least_loaded',
      smoothWinMs: 15_000,
      lowLoad: 0.875,
      highLoad: 1.125,
      minAperture: 1,
      maxEffort: 4,
    });
    expect(parse({ kind: 'haproxy_random' })).toEqual({ kind: 'haproxy_random', draws: 2 });
    expect(parse({ kind: 'haproxy_first', maxconn: 10 })).toEqual({ kind: 'haproxy_first', maxconn: 10, whenFull: 'least_loaded' });
  });

  it('reject what the sources reject', () => {
    expect(() => parse({ kind: 'haproxy_first' })).toThrow(/maxconn/);
    expect(() => parse({ kind: 'finagle_aperture', lowLoad: 1.5 })).toThrow(/lowLoad/);
    expect(() => parse({ kind: 'peak_ewma', decayMs: 0 })).toThrow();
    expect(() => parse({ kind: 'haproxy_random', draws: 0 })).toThrow();
    expect(() => parse({ kind: 'nginx_least_conn', weight: 2 })).toThrow();
  });

  it('are registered kinds with short labels naming the variant', () => {
    for (const kind of ['peak_ewma', 'finagle_p2c', 'finagle_peak_ewma', 'finagle_aperture', 'nginx_least_conn', 'nginx_random_two', 'haproxy_leastconn', 'haproxy_random', 'haproxy_first'] as const) {
      expect(BALANCER_KINDS).toContain(kind);
    }
    expect(CONFIGS.map(balancerLabel)).toEqual([
      'peak_ewma',
      'finagle_p2c',
      'finagle_peak_ewma',
      'finagle_aperture(least_loaded)',
      'finagle_aperture(peak_ewma,minAperture=3)',
      'nginx_least_conn',
      'nginx_random_two',
      'haproxy_leastconn',
      'haproxy_random(draws=2)',
      'haproxy_random(draws=5)',
      'haproxy_first(maxconn=3)',
      'haproxy_first(maxconn=1,reject)',
    ]);
    expect(balancerLabel(parse({ kind: 'peak_ewma', decayMs: 5000 }))).toBe('peak_ewma(decayMs=5000)');
  });
});
