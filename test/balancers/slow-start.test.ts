/**
 * Envoy slow start (balancers.md §1.3, B5): the weight ramp exactly as
 * `applySlowStartFactor` computes it, the forced EDF path, and its use by round_robin,
 * least_request and the host-selection wrapper.
 */
import { describe, expect, it } from 'vitest';
import { SlowStart } from '../../src/balancers/_internals/slow-start.js';
import { balancerConfig } from '../../src/balancers/configs.js';
import { LeastRequestBalancer } from '../../src/balancers/least-request.js';
import { createBalancer } from '../../src/balancers/registry.js';
import { RoundRobinBalancer } from '../../src/balancers/round-robin.js';
import type { BalancerDeps, Endpoint } from '../../src/balancers/types.js';
import { FixedLoad, constantRandom, countPicks, depsOf, endpointsOf, pickMany, seedDraw } from './_harness.js';

/** A clock the test moves by hand. */
class FakeClock {
  t = 0;
  readonly now = (): number => this.t;
}

function depsAt(clock: FakeClock, load = new FixedLoad()): BalancerDeps {
  return { ...depsOf(constantRandom(seedDraw(0)), load), now: clock.now };
}

describe('SlowStart.apply: Envoy applySlowStartFactor', () => {
  const WINDOW = 10_000;
  function factorAt(elapsedMs: number, options: { aggression?: number; minWeightPercent?: number } = {}): number {
    const clock = new FakeClock();
    const slowStart = new SlowStart({ windowMs: WINDOW, ...options }, clock.now);
    clock.t = 50_000 + elapsedMs;
    return slowStart.apply(1, 50_000);
  }

  it('ramps linearly with aggression 1: max(t/window, 10 %)', () => {
    // max(1 ms, d) / window: at d = 0 the factor is 1/10000, floored to the 10 % minimum.
    expect(factorAt(0)).toBe(0.1);
    expect(factorAt(500)).toBe(0.1);
    expect(factorAt(1000)).toBe(0.1);
    expect(factorAt(1500)).toBe(0.15);
    expect(factorAt(5000)).toBe(0.5);
    expect(factorAt(9999)).toBe(0.9999);
    expect(factorAt(10_000)).toBe(1);
    expect(factorAt(60_000)).toBe(1);
  });

  it('ramps as (t/window)^(1/aggression) with aggression 2', () => {
    expect(factorAt(100, { aggression: 2 })).toBeCloseTo(0.1, 12);
    expect(factorAt(400, { aggression: 2 })).toBeCloseTo(0.2, 12);
    expect(factorAt(2500, { aggression: 2 })).toBe(0.5);
    expect(factorAt(6400, { aggression: 2 })).toBeCloseTo(0.8, 12);
    expect(factorAt(50, { aggression: 2 })).toBe(0.1);
    expect(factorAt(9999, { aggression: 2 })).toBe(Math.pow(0.9999, 0.5));
  });

  it('floors at minWeightPercent and counts whole milliseconds, as Envoy’s duration_cast does', () => {
    expect(factorAt(10, { minWeightPercent: 0 })).toBe(0.001);
    expect(factorAt(0, { minWeightPercent: 0 })).toBe(0.0001); // max(1 ms, 0)
    expect(factorAt(1500.9, { minWeightPercent: 0 })).toBe(0.15);
    expect(factorAt(2000, { minWeightPercent: 25 })).toBe(0.25);
  });

  it('scales nothing without a window start (unknown or unhealthy host)', () => {
    const slowStart = new SlowStart({ windowMs: WINDOW }, () => 0);
    expect(slowStart.apply(3, Number.NaN)).toBe(3);
  });

  it('rejects a non-positive window or aggression and a minimum outside [0, 100]', () => {
    expect(() => new SlowStart({ windowMs: 0 }, () => 0)).toThrow(RangeError);
    expect(() => new SlowStart({ windowMs: 1, aggression: 0 }, () => 0)).toThrow(RangeError);
    expect(() => new SlowStart({ windowMs: 1, minWeightPercent: 101 }, () => 0)).toThrow(RangeError);
  });
});

describe('slow start window starts (recalculateHostsInSlowStart, noHostsAreInSlowStart)', () => {
  it('starts a window at healthySince, else when the host is first seen healthy', () => {
    const clock = new FakeClock();
    const slowStart = new SlowStart({ windowMs: 1000 }, clock.now);
    clock.t = 5000;
    slowStart.observe([
      { id: 1, weight: 1, zone: 'a' },
      { id: 2, weight: 1, zone: 'a', healthySince: 4700 },
      { id: 3, weight: 1, zone: 'a', healthy: false },
    ]);
    expect([1, 2, 3].map((id) => slowStart.windowStartOf(id))).toEqual([5000, 4700, Number.NaN]);
    // Seen again later: the first sighting stands; a host seen healthy for the first time starts now.
    clock.t = 5400;
    slowStart.observe([
      { id: 1, weight: 1, zone: 'a' },
      { id: 3, weight: 1, zone: 'a' },
    ]);
    expect([1, 3].map((id) => slowStart.windowStartOf(id))).toEqual([5000, 5400]);
  });

  it('reports hosts in slow start until a window after the latest start (and the tracker’s creation)', () => {
    const clock = new FakeClock();
    const slowStart = new SlowStart({ windowMs: 1000 }, clock.now);
    expect(slowStart.noHostsInSlowStart()).toBe(false); // Envoy: latest_host_added_time_ = construction time
    clock.t = 1001;
    expect(slowStart.noHostsInSlowStart()).toBe(true);
    slowStart.observe([{ id: 1, weight: 1, zone: 'a' }]);
    expect(slowStart.noHostsInSlowStart()).toBe(false);
    clock.t = 2001;
    expect(slowStart.noHostsInSlowStart()).toBe(false);
    clock.t = 2002;
    expect(slowStart.noHostsInSlowStart()).toBe(true);
    // A healthySince older than the window does not put anything back in slow start.
    slowStart.observe([{ id: 2, weight: 1, zone: 'a', healthySince: 500 }]);
    expect(slowStart.noHostsInSlowStart()).toBe(true);
  });
});

describe('round_robin with slow start', () => {
  it('ramps a new host’s share of picks as the formula says, on the forced EDF path', () => {
    const clock = new FakeClock();
    const balancer = new RoundRobinBalancer(depsAt(clock), { slowStart: { windowMs: 10_000 } });
    balancer.setEndpoints(endpointsOf([1, 1]));
    clock.t = 30_000;
    // Host 2 joins; hosts 0 and 1 are long past their window. Equal weights, yet EDF.
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    for (const [elapsed, factor] of [
      [0, 0.1],
      [2_500, 0.25],
      [5_000, 0.5],
      [8_000, 0.8],
    ] as const) {
      clock.t = 30_000 + elapsed;
      const picks = 20_000;
      const share = (countPicks(balancer, picks).get(2) ?? 0) / picks;
      // EDF is deterministic: the share is w/(Σw) to within a cycle's rounding.
      expect(share, `at +${elapsed} ms`).toBeCloseTo(factor / (2 + factor), 3);
    }
    clock.t = 40_000;
    expect(countPicks(balancer, 3000).get(2)).toBe(1000);
  });

  it('ramps with aggression 2 as (t/window)^(1/2)', () => {
    const clock = new FakeClock();
    const balancer = new RoundRobinBalancer(depsAt(clock), { slowStart: { windowMs: 10_000, aggression: 2 } });
    balancer.setEndpoints(endpointsOf([1]));
    clock.t = 30_000;
    balancer.setEndpoints(endpointsOf([1, 1]));
    clock.t = 32_500; // (0.25)^(1/2) = 0.5: host 1 weighs 0.5 against 1.
    expect((countPicks(balancer, 30_000).get(1) ?? 0) / 30_000).toBeCloseTo(0.5 / 1.5, 3);
  });

  it('takes the unweighted path again at the first rebuild after every window has ended', () => {
    const clock = new FakeClock();
    const balancer = new RoundRobinBalancer(depsAt(clock), { slowStart: { windowMs: 1000 } });
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    clock.t = 5000;
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    // Seed 0: the unweighted rotation 0, 1, 2, … (the EDF one would start elsewhere).
    expect(pickMany(balancer, 4)).toEqual([0, 1, 2, 0]);
  });

  it('is ineffective when every host is new, as Envoy documents', () => {
    const clock = new FakeClock();
    const balancer = new RoundRobinBalancer(depsAt(clock), { slowStart: { windowMs: 10_000 } });
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    clock.t = 2000;
    expect([...countPicks(balancer, 3000).values()]).toEqual([1000, 1000, 1000]);
  });
});

describe('least_request with slow start', () => {
  it('applies the factor after the active-request adjustment', () => {
    const clock = new FakeClock();
    // Host 0 has 1 request in flight: weight 1/2; host 1 is new at 50 %: weight 0.5 · 1/1.
    const load = new FixedLoad({ 0: 1 });
    const balancer = new LeastRequestBalancer(depsAt(clock, load), {
      choices: 2,
      selection: 'n_choices',
      activeRequestBias: 1,
      slowStart: { windowMs: 10_000 },
    });
    balancer.setEndpoints(endpointsOf([1]));
    clock.t = 20_000;
    balancer.setEndpoints(endpointsOf([1, 1]));
    clock.t = 25_000;
    expect((countPicks(balancer, 10_000).get(1) ?? 0) / 10_000).toBeCloseTo(0.5, 3);
    clock.t = 27_500; // 0.75 against 0.5
    expect((countPicks(balancer, 10_000).get(1) ?? 0) / 10_000).toBeCloseTo(0.6, 3);
  });
});

describe('slow start through createBalancer (shared by every host source)', () => {
  it('starts a standby priority’s windows when its hosts are first seen, not when it first takes traffic', () => {
    const clock = new FakeClock();
    const balancer = createBalancer(balancerConfig.parse({ kind: 'round_robin', slowStart: { windowMs: 10_000 } }), depsAt(clock));
    const p0: Endpoint[] = [0, 1].map((id) => ({ id, weight: 1, zone: 'a' }));
    const p1: Endpoint[] = [10, 11].map((id) => ({ id, weight: 1, zone: 'a', priority: 1 }));
    balancer.setEndpoints([...p0, p1[0]!]);
    clock.t = 55_000;
    balancer.setEndpoints([...p0, ...p1]); // standby host 11 joins; P0 takes all traffic
    clock.t = 60_000;
    // P0 fails entirely: P1 takes everything. Host 10 is long out of its window; host 11 is
    // 5 s into it (factor 0.5), not at its start, although its host source is new.
    balancer.setEndpoints([...p0.map((e) => ({ ...e, healthy: false })), ...p1]);
    const counts = countPicks(balancer, 3000);
    expect(counts.get(11)).toBe(1000);
    expect(counts.get(10)).toBe(2000);
  });
});
