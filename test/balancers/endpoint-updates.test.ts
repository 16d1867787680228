/**
 * The incremental endpoint path against full rebuilds, pick for pick, for every balancer kind:
 * a balancer told of changes one update at a time (Balancer.updateEndpoints where it has one,
 * else endpointUpdater's adapter) must pick exactly as the same balancer given the whole set
 * by setEndpoints after every change, drawing the same random numbers. Random sequences of
 * joins, leaves, health, weight, zone and priority changes, empty updates (rebuilds), picks
 * with load and feedback, and time passing (slow start).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balancerConfig, type BalancerKind } from '../../src/balancers/configs.js';
import { endpointUpdater } from '../../src/balancers/endpoint-updates.js';
import { BALANCER_KINDS, createBalancer } from '../../src/balancers/registry.js';
import type { Balancer, Endpoint, RandomSource } from '../../src/balancers/types.js';
import { RngStream } from '../../src/engine/rng.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { balancerOf, type BalancerInput } from '../helpers/balancer-arbitraries.js';
import { fullRebuildOnly } from '../helpers/full-rebuild.js';

const IDS = 24;

type Op =
  | { kind: 'update'; changed: Omit<Endpoint, 'healthySince'>[]; removed: number[]; since: boolean }
  | { kind: 'picks'; count: number; keys: number[]; finish: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'idle'; id: number };

const endpoint = fc.record({
  id: fc.integer({ min: 0, max: IDS - 1 }),
  weight: fc.constantFrom(1, 1, 2, 3.5),
  zone: fc.constantFrom('zone-a', 'zone-a', 'zone-b'),
  priority: fc.constantFrom(0, 0, 0, 1, 2),
  healthy: fc.constantFrom(true, true, false),
});

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.uniqueArray(endpoint, { selector: (e) => e.id, maxLength: 4 }), fc.uniqueArray(fc.integer({ min: 0, max: IDS - 1 }), { maxLength: 3 }), fc.boolean())
      .map(([changed, removed, since]) => ({ kind: 'update' as const, changed, removed: removed.filter((id) => !changed.some((e) => e.id === id)), since })),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('picks' as const), count: fc.integer({ min: 1, max: 12 }), keys: fc.array(fc.integer({ min: -1, max: 50 }), { minLength: 12, maxLength: 12 }), finish: fc.integer({ min: 0, max: 12 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 3000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('idle' as const), id: fc.integer({ min: 0, max: IDS - 1 }) }) },
);

/** A random source that counts its draws. */
class Counted implements RandomSource {
  draws = 0;
  constructor(private readonly stream: RngStream) {}
  next(): number {
    this.draws++;
    return this.stream.next();
  }
}


interface Side {
  readonly balancer: Balancer;
  readonly random: Counted;
  readonly load: ActiveRequests;
  readonly inFlight: number[];
}

function side(config: BalancerInput, clock: { now: number }, incremental: boolean): Side {
  const random = new Counted(new RngStream('test/endpoint-updates'));
  const load = new ActiveRequests(IDS);
  const built = createBalancer(balancerConfig.parse(config), { random, now: () => clock.now, load, localZone: 'zone-a', global: { queueLength: (id) => load.active(id) } });
  return { balancer: incremental ? built : fullRebuildOnly(built), random, load, inFlight: [] };
}

/** Runs the operations on both sides; returns the picks of each, with draw counts and panic states. */
function replay(config: BalancerInput, initial: Omit<Endpoint, 'healthySince'>[], ops: readonly Op[]): { incremental: unknown[]; full: unknown[] } {
  const clock = { now: 0 };
  const sides = [side(config, clock, true), side(config, clock, false)];
  const updaters = sides.map((s) => endpointUpdater(s.balancer));
  expect(updaters[0]!.native, 'the incremental side uses the balancer as it is').toBe(typeof sides[0]!.balancer.updateEndpoints === 'function');
  expect(updaters[1]!.native).toBe(false);
  const healthAware = sides[0]!.balancer.healthAware === true;
  // What the caller passes: every endpoint with its health to a health-aware balancer, only the healthy ones otherwise.
  const shown = (e: Omit<Endpoint, 'healthySince'>) => healthAware || e.healthy;
  const logs: unknown[][] = [[], []];
  const present = new Map<number, Endpoint>();
  for (const e of initial) present.set(e.id, e);
  updaters.forEach((u) => u.set([...present.values()].filter(shown)));
  for (const step of ops) {
    switch (step.kind) {
      case 'update': {
        const changed: Endpoint[] = [];
        const removed = [...step.removed];
        for (const e of step.changed) {
          const full: Endpoint = step.since && e.healthy ? { ...e, healthySince: clock.now } : e;
          present.set(e.id, full);
          if (shown(e)) changed.push(full);
          else removed.push(e.id);
        }
        for (const id of step.removed) present.delete(id);
        updaters.forEach((u, k) => {
          u.update(changed, removed);
          logs[k]!.push(['panic', sides[k]!.balancer.inPanic?.() ?? null]);
        });
        break;
      }
      case 'picks':
        sides.forEach((s, k) => {
          for (let i = 0; i < step.count; i++) {
            const id = s.balancer.pick({ key: step.keys[i]! });
            logs[k]!.push([id, s.random.draws, id >= 0 ? (s.balancer.inPanic?.(id) ?? null) : null]);
            if (id >= 0) {
              s.load.start(id);
              s.inFlight.push(id);
            }
          }
          // Some requests end, oldest first, with feedback to the balancers that take it.
          for (let i = 0; i < step.finish && s.inFlight.length > 0; i++) {
            const id = s.inFlight.shift()!;
            s.load.end(id);
            s.balancer.onComplete?.(id, 5 + (i % 3), i % 4 !== 0);
            s.balancer.onBackendReport?.(id, { utilization: 0.5, qps: 100 + id, eps: i % 2 });
          }
        });
        break;
      case 'advance':
        clock.now += step.ms;
        break;
      case 'idle':
        sides.forEach((s) => s.balancer.onIdle?.(step.id));
        break;
    }
  }
  return { incremental: logs[0]!, full: logs[1]! };
}

function scenario(kind: BalancerKind) {
  return fc.record({
    config: balancerOf(kind),
    initial: fc.uniqueArray(endpoint, { selector: (e) => e.id, maxLength: 16 }),
    ops: fc.array(op, { minLength: 1, maxLength: 30 }),
  });
}

describe('incremental endpoint updates equal full rebuilds, pick for pick', () => {
  for (const kind of BALANCER_KINDS) {
    it(`${kind} (property)`, () => {
      fc.assert(
        fc.property(scenario(kind), ({ config, initial, ops }) => {
          const { incremental, full } = replay(config, initial, ops);
          expect(incremental).toEqual(full);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('endpointUpdater', () => {
  it('keeps a balancer without updateEndpoints on the full path, in id order, with a fresh array each time', () => {
    const given: Endpoint[][] = [];
    const plain: Balancer = { setEndpoints: (e) => given.push(e as Endpoint[]), pick: () => -1 };
    const updater = endpointUpdater(plain);
    expect(updater.native).toBe(false);
    updater.set([{ id: 3, weight: 1, zone: 'a' }, { id: 1, weight: 1, zone: 'a' }]);
    updater.update([{ id: 2, weight: 2, zone: 'a' }], [3]);
    updater.update([], []);
    expect(given.map((list) => list.map((e) => e.id))).toEqual([[3, 1], [1, 2], [1, 2]]);
    expect(given[2]).not.toBe(given[1]);
  });

  it('rejects an id both changed and removed, or changed twice, before changing anything', () => {
    for (const balancer of [createBalancer(balancerConfig.parse({ kind: 'round_robin' }), { random: new RngStream('x'), now: () => 0, load: new ActiveRequests(4) }), fullRebuildOnly(createBalancer(balancerConfig.parse({ kind: 'random' }), { random: new RngStream('y'), now: () => 0, load: new ActiveRequests(4) }))]) {
      const updater = endpointUpdater(balancer);
      updater.set([{ id: 0, weight: 1, zone: 'a' }]);
      expect(() => updater.update([{ id: 0, weight: 1, zone: 'a' }], [0])).toThrow(/both changed and removed/);
      expect(() => updater.update([{ id: 1, weight: 1, zone: 'a' }, { id: 1, weight: 2, zone: 'a' }], [])).toThrow(/changed twice/);
      expect(() => updater.update([{ id: 1, weight: 0, zone: 'a' }], [])).toThrow(RangeError);
      expect(balancer.pick({ key: -1 })).toBe(0);
    }
  });
});
