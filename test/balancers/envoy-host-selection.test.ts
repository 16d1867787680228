/**
 * Envoy host selection: priority loads (Envoy's documented tables), panic, zone-aware routing,
 * per-source inner balancers, and the inert case (identical picks to the bare balancer).
 */
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerConfig } from '../../src/balancers/configs.js';
import {
  EnvoyHostSelection,
  priorityState,
  resolveHostSelection,
  zoneRouting,
} from '../../src/balancers/envoy-host-selection/index.js';
import { LeastRequestBalancer } from '../../src/balancers/least-request.js';
import { RandomBalancer } from '../../src/balancers/random.js';
import { createBalancer } from '../../src/balancers/registry.js';
import { RoundRobinBalancer } from '../../src/balancers/round-robin.js';
import type { Balancer, BalancerDeps, Endpoint } from '../../src/balancers/types.js';
import { WeightedRoundRobinBalancer } from '../../src/balancers/weighted-round-robin.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { NO_KEY, countPicks, depsOf, pickMany, seeded } from './_harness.js';

const parse = (input: unknown): BalancerConfig => balancerConfig.parse(input);

/** `count` endpoints from id `first`, the first `healthy` of them healthy. */
function hosts(first: number, count: number, healthy: number, extra: Partial<Endpoint> = {}): Endpoint[] {
  return Array.from({ length: count }, (_, i) => ({ id: first + i, weight: 1, zone: 'a', healthy: i < healthy, ...extra }));
}

/** Round robin wrapped in host selection with the given config fields. */
function wrapped(fields: Record<string, unknown>, deps: BalancerDeps = depsOf(seeded('host-selection'))): EnvoyHostSelection {
  return createBalancer(parse({ kind: 'round_robin', ...fields }), deps) as EnvoyHostSelection;
}

/** Pick share per id over `count` picks. */
function shares(balancer: Balancer, count: number): Map<number, number> {
  const counts = countPicks(balancer, count);
  return new Map([...counts].map(([id, c]) => [id, c / count]));
}

function shareOf(counts: Map<number, number>, ids: readonly number[]): number {
  return ids.reduce((sum, id) => sum + (counts.get(id) ?? 0), 0);
}

const range = (first: number, count: number): number[] => Array.from({ length: count }, (_, i) => first + i);

describe('priority load (Envoy priority.rst tables, 100 hosts per level so counts are percentages)', () => {
  const load = (healthyPercents: number[], panicThreshold = 0): readonly number[] =>
    priorityState(
      healthyPercents.map(() => 100),
      healthyPercents,
      140,
      panicThreshold,
    ).load;

  it('two levels, P1 100 % healthy', () => {
    expect(load([100, 100])).toEqual([100, 0]);
    expect(load([72, 100])).toEqual([100, 0]);
    expect(load([71, 100])).toEqual([99, 1]);
    expect(load([50, 100])).toEqual([70, 30]);
    expect(load([25, 100])).toEqual([35, 65]);
    expect(load([0, 100])).toEqual([0, 100]);
  });

  it('two levels, both degrading (normalised below 100 % when Σ health < 100)', () => {
    expect(load([100, 100])).toEqual([100, 0]);
    expect(load([72, 72])).toEqual([100, 0]);
    expect(load([71, 71])).toEqual([99, 1]);
    expect(load([50, 50])).toEqual([70, 30]);
    expect(load([25, 100])).toEqual([35, 65]);
    expect(load([25, 25])).toEqual([50, 50]);
  });

  it('three levels', () => {
    expect(load([100, 100, 100])).toEqual([100, 0, 0]);
    expect(load([72, 72, 100])).toEqual([100, 0, 0]);
    expect(load([71, 71, 100])).toEqual([99, 1, 0]);
    expect(load([50, 50, 100])).toEqual([70, 30, 0]);
    expect(load([25, 100, 100])).toEqual([35, 65, 0]);
    expect(load([25, 25, 100])).toEqual([35, 35, 30]);
    // The doc's last row says 36/36/28: rounded real numbers (35.7, 35.7, 28.6). Envoy's integer
    // code gives ⌊3500/98⌋ = 35 twice and ⌊2800/98⌋ = 28, and the 2 left over go to P0.
    expect(load([25, 25, 20])).toEqual([37, 35, 28]);
  });

  it('enters panic below the threshold only when the normalised total is under 100', () => {
    // 40 % healthy: health 56 < 100, alone → panic; with a healthy P1 the total reaches 100 → none.
    expect(priorityState([10], [4], 140, 50).panic).toEqual([true]);
    expect(priorityState([10], [5], 140, 50).panic).toEqual([false]);
    expect(priorityState([10, 10], [4, 10], 140, 50)).toEqual({ load: [56, 44], panic: [false, false] });
    // 0 disables panic.
    expect(priorityState([10], [1], 140, 0).panic).toEqual([false]);
  });

  it('splits by raw host counts in total panic', () => {
    expect(priorityState([10, 30], [2, 3], 140, 50)).toEqual({ load: [25, 75], panic: [true, true] });
    expect(priorityState([3, 3, 3], [0, 0, 0], 140, 50)).toEqual({ load: [34, 33, 33], panic: [true, true, true] });
  });

  it('gives P0 everything when nothing is healthy and panic is off', () => {
    expect(priorityState([4, 4], [0, 0], 140, 0)).toEqual({ load: [100, 0], panic: [false, false] });
  });

  it('honours the overprovisioning factor', () => {
    // Factor 1.0: 80 % healthy is 80 % of the load.
    expect(priorityState([10, 10], [8, 10], 100, 0).load).toEqual([80, 20]);
  });
});

describe('EnvoyHostSelection: priorities and panic', () => {
  it('sends each priority its load, to its healthy hosts only', () => {
    // P0 50 % healthy → 70 %; P1 fully healthy → 30 %.
    const balancer = wrapped({});
    balancer.setEndpoints([...hosts(0, 10, 5), ...hosts(100, 10, 10, { priority: 1 })]);
    expect(balancer.state().priorityLoad).toEqual([70, 30]);
    const counts = shares(balancer, 20_000);
    expect(shareOf(counts, range(5, 5))).toBe(0);
    // Binomial sd of a 70 % share over 20k picks is 0.0032: 5 sd.
    expect(shareOf(counts, range(0, 5))).toBeCloseTo(0.7, 1);
    expect(Math.abs(shareOf(counts, range(0, 5)) - 0.7)).toBeLessThan(0.016);
  });

  it('in panic balances over every host of the priority, healthy or not', () => {
    const balancer = wrapped({});
    balancer.setEndpoints(hosts(0, 10, 4));
    expect(balancer.state().panic).toEqual([true]);
    expect(new Set(pickMany(balancer, 40))).toEqual(new Set(range(0, 10)));
    // At 50 % healthy it leaves panic: only the healthy five.
    balancer.setEndpoints(hosts(0, 10, 5));
    expect(new Set(pickMany(balancer, 40))).toEqual(new Set(range(0, 5)));
  });

  it('follows panicThreshold: 0 disables panic, and then no healthy host means no host', () => {
    const off = wrapped({ panicThreshold: 0 });
    off.setEndpoints(hosts(0, 10, 1));
    expect(new Set(pickMany(off, 30))).toEqual(new Set([0]));
    off.setEndpoints(hosts(0, 10, 0));
    expect(pickMany(off, 3)).toEqual([-1, -1, -1]);
    const high = wrapped({ panicThreshold: 80 });
    high.setEndpoints(hosts(0, 10, 7));
    expect(new Set(pickMany(high, 40))).toEqual(new Set(range(0, 10)));
  });

  it('splits by host counts in total panic, over all hosts', () => {
    const balancer = wrapped({});
    balancer.setEndpoints([...hosts(0, 10, 2), ...hosts(100, 30, 3, { priority: 1 })]);
    expect(balancer.state()).toMatchObject({ priorityLoad: [25, 75], panic: [true, true] });
    const counts = shares(balancer, 20_000);
    expect(Math.abs(shareOf(counts, range(0, 10)) - 0.25)).toBeLessThan(0.016);
    expect(shareOf(counts, range(100, 30))).toBeGreaterThan(0.7);
    expect(counts.get(129)).toBeGreaterThan(0);
  });

  it('keeps each host source’s inner balancer, and so its round-robin index, across changes', () => {
    const balancer = wrapped({}, depsOf(seeded('rr-index')));
    balancer.setEndpoints(hosts(0, 4, 4));
    const first = pickMany(balancer, 3);
    balancer.setEndpoints([...hosts(0, 4, 4), ...hosts(100, 2, 2, { priority: 1 })]);
    // P1 has no load; P0's rotation continues where it was.
    const next = pickMany(balancer, 3);
    expect([...first, ...next].map((id, i, all) => (i === 0 ? 0 : (id - all[i - 1]! + 4) % 4))).toEqual([0, 1, 1, 1, 1, 1]);
  });

  it('rebuilds only the host sources of a priority that changed, as Envoy refreshes per priority', () => {
    // P0 weighted 1:2 (EDF, period 3). A P1 change mid-cycle must not restart P0's schedule.
    const p0: Endpoint[] = [
      { id: 0, weight: 1, zone: 'a' },
      { id: 1, weight: 2, zone: 'a' },
    ];
    const continuing = wrapped({});
    continuing.setEndpoints([...p0, ...hosts(100, 2, 2, { priority: 1 })]);
    const restarting = wrapped({});
    restarting.setEndpoints([...p0, ...hosts(100, 2, 2, { priority: 1 })]);
    const before = pickMany(continuing, 2);
    expect(pickMany(restarting, 2)).toEqual(before);
    continuing.setEndpoints([...p0, ...hosts(100, 3, 3, { priority: 1 })]);
    // An equal but new P0 list (new objects, same values) is no change either.
    continuing.setEndpoints([...p0.map((e) => ({ ...e })), ...hosts(100, 3, 3, { priority: 1 })]);
    restarting.setEndpoints([{ ...p0[0]!, weight: 3 }, ...hosts(100, 2, 2, { priority: 1 })]);
    restarting.setEndpoints([...p0, ...hosts(100, 2, 2, { priority: 1 })]);
    // Over 6 more picks the continuing schedule completes its cycles; the restarted one
    // begins again from the seed, so the sequences differ while the proportions match.
    const next = pickMany(continuing, 7);
    expect([...before, ...next].filter((id) => id === 0)).toHaveLength(3);
    expect(pickMany(restarting, 7)).not.toEqual(next);
  });

  it('rejects invalid priorities', () => {
    const balancer = wrapped({});
    expect(() => balancer.setEndpoints(hosts(0, 2, 2, { priority: -1 }))).toThrow(RangeError);
    expect(() => balancer.setEndpoints(hosts(0, 2, 2, { priority: 1.5 }))).toThrow(RangeError);
    expect(() => balancer.setEndpoints(hosts(0, 2, 2, { priority: 5000 }))).toThrow(RangeError);
  });

  it('refuses host-selection options on NGINX smooth weighted round robin, which has none', () => {
    const result = balancerConfig.safeParse({ kind: 'weighted_round_robin', variant: 'smooth', panicThreshold: 10 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['panicThreshold']);
    expect(balancerConfig.safeParse({ kind: 'weighted_round_robin', panicThreshold: 10 }).success).toBe(true);
  });

  it('resolves Envoy’s defaults and integer forms', () => {
    expect(resolveHostSelection({})).toEqual({ panicThreshold: 50, overprovisioningPercent: 140, zoneAware: null });
    expect(resolveHostSelection({ panicThreshold: 12.6, overprovisioningFactor: 1.234, zoneAware: { enabled: true, minClusterSize: 6, routingEnabled: 100 } })).toEqual({
      panicThreshold: 13,
      overprovisioningPercent: 123,
      zoneAware: { minClusterSize: 6, routingEnabled: 100, localFleet: null },
    });
  });
});

describe('EnvoyHostSelection: zone-aware routing', () => {
  /** `counts[zone] = [hosts, healthy]`, ids numbered by zone in order. */
  function zoned(counts: Record<string, [number, number]>): Endpoint[] {
    let id = 0;
    return Object.entries(counts).flatMap(([zone, [total, healthy]]) =>
      Array.from({ length: total }, (_, i) => ({ id: id++, weight: 1, zone, healthy: i < healthy })),
    );
  }
  const zoneOf = (endpoints: readonly Endpoint[]) => new Map(endpoints.map((e) => [e.id, e.zone]));
  function zoneShares(balancer: Balancer, endpoints: readonly Endpoint[], count: number): Record<string, number> {
    const zones = zoneOf(endpoints);
    const counts: Record<string, number> = {};
    for (const id of pickMany(balancer, count)) counts[zones.get(id)!] = (counts[zones.get(id)!] ?? 0) + 1;
    return Object.fromEntries(Object.entries(counts).map(([zone, c]) => [zone, c / count]));
  }
  /** Round robin with zone-aware routing for a caller in `localZone` (null: unknown). */
  const zoneAware = (fields: Record<string, unknown> = {}, localZone: string | null = 'a') =>
    wrapped({ zoneAware: { enabled: true, ...fields } }, { ...depsOf(seeded(`zone-${localZone}`)), ...(localZone === null ? {} : { localZone }) });

  it('LocalityDirect: every pick stays in the caller’s zone when it has its share of healthy hosts', () => {
    const endpoints = zoned({ a: [4, 4], b: [4, 4], c: [2, 2] });
    const balancer = zoneAware();
    balancer.setEndpoints(endpoints);
    expect(balancer.state().localityRouting).toEqual({ mode: 'direct' });
    expect(zoneShares(balancer, endpoints, 1000)).toEqual({ a: 1 });
  });

  it('LocalityResidual: local with probability upstream%/local%, the rest by residual capacity', () => {
    // Local fleet (default: the endpoints' spread) 40/40/20 %; healthy upstream 25/50/25 %.
    const endpoints = zoned({ a: [4, 2], b: [4, 4], c: [2, 2] });
    const balancer = zoneAware();
    balancer.setEndpoints(endpoints);
    expect(balancer.state().localities).toEqual(['a', 'b', 'c']);
    expect(balancer.state().localityRouting).toEqual({ mode: 'residual', localPercentToRoute: 6250, residualCapacity: [0, 1000, 1500] });
    const got = zoneShares(balancer, endpoints, 40_000);
    // Expected 62.5 / 25 / 12.5 %; binomial sd ≤ 0.0025 over 40k picks: 5 sd = 0.0125.
    expect(Math.abs(got.a! - 0.625)).toBeLessThan(0.0125);
    expect(Math.abs(got.b! - 0.25)).toBeLessThan(0.0125);
    expect(Math.abs(got.c! - 0.125)).toBeLessThan(0.0125);
    // Only healthy hosts: ids 2 and 3 of zone a are unhealthy.
    expect(pickMany(balancer, 2000).filter((id) => id === 2 || id === 3)).toEqual([]);
  });

  it('uses the configured local fleet, and routes a caller without local hosts across zones', () => {
    const endpoints = zoned({ b: [6, 6], c: [2, 2] });
    // Callers: 50 % in d (no upstream there), 25 % in b, 25 % in c. Upstream b 75 %, c 25 %.
    const balancer = zoneAware({ localFleet: { d: 2, b: 1, c: 1 } }, 'd');
    balancer.setEndpoints(endpoints);
    const routing = balancer.state().localityRouting;
    // Residual: b 7500 − 2500 = 5000, c 2500 − 2500 = 0; nothing stays local.
    expect(routing).toEqual({ mode: 'residual', localPercentToRoute: 0, residualCapacity: [5000, 5000] });
    expect(zoneShares(balancer, endpoints, 500)).toEqual({ b: 1 });
  });

  it('stays off below minClusterSize, with one zone, or without the caller’s zone', () => {
    const small = zoneAware();
    small.setEndpoints(zoned({ a: [2, 2], b: [3, 3] }));
    expect(small.state().localityRouting).toEqual({ mode: 'none' });
    const allowed = zoneAware({ minClusterSize: 5 });
    allowed.setEndpoints(zoned({ a: [2, 2], b: [3, 3] }));
    expect(allowed.state().localityRouting.mode).not.toBe('none');
    const oneZone = zoneAware();
    oneZone.setEndpoints(zoned({ a: [8, 8] }));
    expect(oneZone.state().localityRouting).toEqual({ mode: 'none' });
    const noZone = zoneAware({}, null);
    noZone.setEndpoints(zoned({ a: [4, 4], b: [4, 4] }));
    expect(noZone.state().localityRouting).toEqual({ mode: 'none' });
  });

  it('routes zone-aware only for the routingEnabled share of picks', () => {
    const endpoints = zoned({ a: [4, 4], b: [4, 4] });
    const balancer = zoneAware({ routingEnabled: 50 });
    balancer.setEndpoints(endpoints);
    // Half the picks are zone-aware (all to a), half plain (half of them to a): 75 % a.
    expect(Math.abs(zoneShares(balancer, endpoints, 20_000).a! - 0.75)).toBeLessThan(0.016);
  });

  it('applies to priority 0 only, and never in panic', () => {
    const endpoints = [...zoned({ a: [4, 1], b: [4, 1] })];
    const balancer = zoneAware({ minClusterSize: 0 });
    balancer.setEndpoints(endpoints);
    // 25 % healthy → panic: all eight hosts, both zones.
    expect(new Set(pickMany(balancer, 200)).size).toBe(8);
  });

  it('computes the residual table as Envoy’s comment example does', () => {
    const routing = zoneRouting({
      localities: ['x', 'y', 'z'],
      hasLocalLocality: true,
      healthyPerLocality: [1, 2, 1],
      localFleet: new Map([
        ['x', 2],
        ['y', 2],
        ['z', 1],
      ]),
      localZone: 'x',
      minClusterSize: 0,
    });
    expect(routing).toEqual({ mode: 'residual', localPercentToRoute: 6250, residualCapacity: [0, 1000, 1500] });
  });
});

describe('EnvoyHostSelection is inert with healthy endpoints, one priority and zone-aware routing off', () => {
  const MIXED: Endpoint[] = [1, 3, 2, 5, 1, 1, 4, 2].map((weight, i) => ({ id: 10 + i, weight, zone: `z${i % 3}` }));
  const EQUAL: Endpoint[] = MIXED.map((e) => ({ ...e, weight: 2 }));
  const cases: Array<[string, unknown, (deps: BalancerDeps) => Balancer]> = [
    ['round_robin', { kind: 'round_robin' }, (d) => new RoundRobinBalancer(d)],
    ['random', { kind: 'random' }, (d) => new RandomBalancer(d)],
    ['weighted_round_robin(edf)', { kind: 'weighted_round_robin' }, (d) => new WeightedRoundRobinBalancer(d, { variant: 'edf' })],
    [
      'least_request(choices=2)',
      { kind: 'least_request' },
      (d) => new LeastRequestBalancer(d, { choices: 2, selection: 'n_choices', activeRequestBias: 1 }),
    ],
    [
      'least_request(full_scan)',
      { kind: 'least_request', selection: 'full_scan' },
      (d) => new LeastRequestBalancer(d, { choices: 2, selection: 'full_scan', activeRequestBias: 1 }),
    ],
    [
      'least_request(bias=0.5)',
      { kind: 'least_request', activeRequestBias: 0.5 },
      (d) => new LeastRequestBalancer(d, { choices: 2, selection: 'n_choices', activeRequestBias: 0.5 }),
    ],
  ];

  /** Picks with a live load (every third request ends), and two membership changes. */
  function run(build: (deps: BalancerDeps) => Balancer, sets: readonly (readonly Endpoint[])[]): number[] {
    const load = new ActiveRequests(64);
    const balancer = build({ ...depsOf(seeded('inert'), load), localZone: 'z0' });
    const picks: number[] = [];
    sets.forEach((set) => {
      balancer.setEndpoints(set);
      for (let i = 0; i < 1500; i++) {
        const id = balancer.pick(NO_KEY);
        picks.push(id);
        load.start(id);
        if (picks.length % 3 === 0) load.end(picks[picks.length - 3]!);
      }
    });
    return picks;
  }

  for (const [label, input, bare] of cases) {
    it(`${label}: the same picks as the bare balancer`, () => {
      const config = parse(input);
      for (const base of [MIXED, EQUAL]) {
        const sets = [base, base.slice(2), base.map((e) => ({ ...e, priority: 0, healthy: true }))];
        expect(run((d) => createBalancer(config, d), sets)).toEqual(run(bare, sets));
        // One priority other than 0, and zone-aware routing configured but without effect
        // (fewer than minClusterSize healthy hosts), are inert too.
        const p3 = sets.map((set) => set.map((e) => ({ ...e, priority: 3 })));
        expect(run((d) => createBalancer(config, d), p3)).toEqual(run(bare, p3));
        const zoned = parse({ ...(input as object), zoneAware: { enabled: true, minClusterSize: 100 } });
        expect(run((d) => createBalancer(zoned, d), sets)).toEqual(run(bare, sets));
      }
    });
  }

  it('draws nothing of its own: the random stream is the bare balancer’s', () => {
    const draws = (build: (deps: BalancerDeps) => Balancer): number => {
      let count = 0;
      const source = seeded('draw-count');
      const balancer = build({ ...depsOf({ next: () => (count++, source.next()) }) });
      balancer.setEndpoints(EQUAL);
      pickMany(balancer, 500);
      return count;
    };
    expect(draws((d) => createBalancer(parse({ kind: 'random' }), d))).toBe(draws((d) => new RandomBalancer(d)));
    expect(draws((d) => createBalancer(parse({ kind: 'round_robin' }), d))).toBe(1);
  });
});
