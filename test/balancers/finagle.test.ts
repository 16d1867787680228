/**
 * Finagle's P2C family against P2CPick.scala, Balancer.scala (effort loop and panic),
 * LeastLoaded / PeakEwma loads, and the random aperture (RandomAperture.scala, BaseDist.scala,
 * LoadBand.scala).
 */
import { describe, expect, it } from 'vitest';
import { FinagleApertureBalancer, type FinagleApertureOptions } from '../../src/balancers/finagle-aperture.js';
import { FinagleP2cBalancer } from '../../src/balancers/finagle-p2c.js';
import { FinaglePeakEwmaBalancer } from '../../src/balancers/finagle-peak-ewma.js';
import type { Endpoint, RandomSource } from '../../src/balancers/types.js';
import { FINAGLE_PENALTY } from '../../src/load/peak-ewma.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, ScriptedRandom, countPicks, depsOf, endpointsOf, indexDraw, pickMany, seeded } from './_harness.js';

/** Finagle's pair draw for n nodes: a = index a of n, b = index of the n − 1 others (skipping a). */
function pairDraws(a: number, b: number, n: number): number[] {
  return [indexDraw(a, n), indexDraw(b > a ? b - 1 : b, n - 1)];
}

function withHealth(healthy: boolean[], ids: number[] = healthy.map((_, i) => i)): Endpoint[] {
  return healthy.map((ok, i) => ({ id: ids[i]!, weight: 1, zone: 'zone-a', healthy: ok }));
}

describe('FinagleP2cBalancer (P2CLeastLoaded)', () => {
  it('is health aware and draws a, then b among the others (the "hole" draw)', () => {
    const random = new ScriptedRandom([...pairDraws(2, 0, 4), ...pairDraws(1, 3, 4)]);
    const balancer = new FinagleP2cBalancer(depsOf(random, new FixedLoad({ 0: 5, 1: 1, 2: 3, 3: 0 })), { maxEffort: 4 });
    expect(balancer.healthAware).toBe(true);
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1]));
    expect(balancer.pick(NO_KEY)).toBe(2); // 3 outstanding < 5
    expect(balancer.pick(NO_KEY)).toBe(3); // 0 < 1
    expect(random.used).toBe(4);
  });

  it('gives ties to the second node (`if (a.load < b.load) a else b`)', () => {
    const random = new ScriptedRandom([...pairDraws(0, 1, 3), ...pairDraws(1, 0, 3)]);
    const balancer = new FinagleP2cBalancer(depsOf(random, new FixedLoad({ 0: 2, 1: 2 })), { maxEffort: 4 });
    balancer.setEndpoints(endpointsOf([1, 1, 1]));
    expect(pickMany(balancer, 2)).toEqual([1, 0]);
  });

  it('never pairs a node with itself: the busiest of two is never chosen', () => {
    const balancer = new FinagleP2cBalancer(depsOf(seeded('finagle-distinct'), new FixedLoad({ 1: 9 })), { maxEffort: 4 });
    balancer.setEndpoints(endpointsOf([1, 1]));
    for (const id of pickMany(balancer, 1000)) expect(id).toBe(0);
  });

  it('prefers an Open node to a Closed one whatever their loads', () => {
    const random = new ScriptedRandom(pairDraws(0, 1, 2));
    const balancer = new FinagleP2cBalancer(depsOf(random, new FixedLoad({ 0: 0, 1: 50 })), { maxEffort: 4 });
    balancer.setEndpoints(withHealth([false, true]));
    expect(balancer.pick(NO_KEY)).toBe(1);
  });

  it('re-picks while the pair is all unhealthy, up to maxEffort, then panics and sends anyway', () => {
    // Nodes 0 and 1 are down, 2 and 3 up. Picks 1 and 2 draw the down pair; pick 3 draws (1, 3).
    const draws = [...pairDraws(0, 1, 4), ...pairDraws(1, 0, 4), ...pairDraws(1, 3, 4)];
    const random = new ScriptedRandom(draws);
    const balancer = new FinagleP2cBalancer(depsOf(random, new FixedLoad()), { maxEffort: 4 });
    balancer.setEndpoints(withHealth([false, false, true, true]));
    expect(balancer.pick(NO_KEY)).toBe(3);
    expect(random.used).toBe(6);

    // Every node down: maxEffort picks, then one more whose node is returned regardless.
    const allDown = new ScriptedRandom([...pairDraws(0, 1, 2), ...pairDraws(0, 1, 2), ...pairDraws(1, 0, 2)]);
    const panicking = new FinagleP2cBalancer(depsOf(allDown, new FixedLoad({ 0: 1 })), { maxEffort: 2 });
    panicking.setEndpoints(withHealth([false, false]));
    expect(panicking.pick(NO_KEY)).toBe(1); // the third pick: 0 (load 1) vs 1 (load 0)
    expect(allDown.used).toBe(6);
  });

  it('with maxEffort 0 (PanicMode.Paranoid) returns the first pick whatever its status', () => {
    const random = new ScriptedRandom(pairDraws(0, 1, 2));
    const balancer = new FinagleP2cBalancer(depsOf(random, new FixedLoad()), { maxEffort: 0 });
    balancer.setEndpoints(withHealth([false, false]));
    expect(balancer.pick(NO_KEY)).toBe(1);
  });

  it('with half the cluster down, returns a down node for P(both down)^(maxEffort + 1) of picks', () => {
    const balancer = new FinagleP2cBalancer(depsOf(seeded('finagle-half-down'), new FixedLoad()), { maxEffort: 1 });
    balancer.setEndpoints(withHealth([false, false, true, true, true, false, true, false]));
    const picks = 200_000;
    const counts = countPicks(balancer, picks);
    const down = [0, 1, 5, 7].reduce((sum, id) => sum + (counts.get(id) ?? 0), 0) / picks;
    // P(pair all down) = (4/8)(3/7) = 3/14; two attempts: (3/14)^2 = 0.0459. SE 0.00047: ±0.005 is > 10 SE.
    expect(Math.abs(down - (3 / 14) ** 2)).toBeLessThan(0.005);
  });
});

describe('FinaglePeakEwmaBalancer (P2CPeakEwma)', () => {
  it('sends to an idle new host, then penalizes it until its first response (Penalty + pending)', () => {
    let now = 1000;
    const load = new ActiveRequests(4);
    const balancer = new FinaglePeakEwmaBalancer({ random: seeded('finagle-ewma-new'), now: () => now, load }, { decayMs: 10_000, maxEffort: 4 });
    balancer.setEndpoints(endpointsOf([1, 1]));
    // Host 0 has history: one 20 ms answer. Host 1 is new: cost 0.
    load.start(0);
    now = 1020;
    load.end(0);
    balancer.onComplete(0, 20, true);
    expect(balancer.pick(NO_KEY)).toBe(1);
    load.start(1);
    // Now host 1 has a request pending and no history: Penalty + 1 ≫ host 0's 20 ms.
    expect(balancer.rtt.finagleLoad(1, 1)).toBe(FINAGLE_PENALTY + 1);
    for (const id of pickMany(balancer, 20)) expect(id).toBe(0);
    now = 1050;
    load.end(1);
    balancer.onComplete(1, 30, true);
    // Host 1: 30 ms × 1; host 0: 20·e^(−30/10000) × 1 → host 0 still wins, by cost.
    expect(balancer.rtt.finagleLoad(1, 0)).toBe(30);
    expect(balancer.rtt.finagleLoad(0, 0)).toBe(20 * Math.exp(-30 / 10_000));
  });

  it('costs ewma × (pending + 1) with the estimate decayed by elapsed time', () => {
    let now = 0;
    const balancer = new FinaglePeakEwmaBalancer(
      { random: seeded('finagle-ewma-cost'), now: () => now, load: new FixedLoad({ 0: 3 }) },
      { decayMs: 10_000, maxEffort: 4 },
    );
    balancer.setEndpoints(endpointsOf([1, 1]));
    balancer.onComplete(0, 100, true);
    now = 5000;
    expect(balancer.rtt.finagleLoad(0, 3)).toBe(100 * Math.exp(-0.5) * 4);
  });
});

const APERTURE: FinagleApertureOptions = {
  load: 'least_loaded',
  smoothWinMs: 15_000,
  lowLoad: 0.875,
  highLoad: 1.125,
  minAperture: 1,
  maxEffort: 4,
};

describe('FinagleApertureBalancer (random aperture, load band)', () => {
  it('orders nodes by their random token, healthy first, and starts with an aperture of 1', () => {
    // Tokens for ids 10, 11, 12, 13 in endpoint order: 0.6, 0.2, 0.9, 0.4 of the int32 range.
    const random = new ScriptedRandom([0.6, 0.2, 0.9, 0.4]);
    const balancer = new FinagleApertureBalancer(depsOf(random, new FixedLoad()), APERTURE);
    balancer.setEndpoints(withHealth([true, true, true, false], [10, 11, 12, 13]));
    expect(balancer.vectorOrder()).toEqual([11, 10, 12, 13]);
    expect(balancer.logicalAperture).toBe(1);
    // An aperture of one returns the head without drawing.
    expect(pickMany(balancer, 3)).toEqual([11, 11, 11]);
    expect(random.used).toBe(4);
  });

  it('widens while the smoothed load per node is at or above highLoad, narrows at or below lowLoad', () => {
    let now = 0;
    const load = new ActiveRequests(8);
    const balancer = new FinagleApertureBalancer({ random: seeded('aperture-band'), now: () => now, load }, APERTURE);
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1, 1, 1]));
    const w = Math.exp(-1); // one smoothWin between updates
    const sent: number[] = [];
    const send = (): void => {
      const id = balancer.pick(NO_KEY);
      load.start(id);
      sent.push(id);
    };
    // First start: ema = total = 1 (Ema takes its first value as is); 1/1 < 1.125: stays 1.
    send();
    expect([balancer.offeredLoad, balancer.logicalAperture]).toEqual([1, 1]);
    // 15 s later, second start: ema = 2(1 − w) + 1·w = 1.632 ≥ 1.125 → widen to 2.
    now = 15_000;
    send();
    expect(balancer.offeredLoad).toBe(2 * (1 - w) + 1 * w);
    expect(balancer.logicalAperture).toBe(2);
    // Third: ema = 3(1 − w) + 1.632w = 2.497; per node 1.25 ≥ 1.125 → 3.
    now = 30_000;
    send();
    expect(balancer.logicalAperture).toBe(3);
    // Every request ends, far apart: the EMA falls and the aperture narrows one step per end.
    const apertures: number[] = [];
    for (const id of sent) {
      now += 15_000;
      load.end(id);
      balancer.onComplete(id, 5, true);
      apertures.push(balancer.logicalAperture);
    }
    // ema after ends: 2.497(w) + 2(1 − w) = 2.18 (per node 0.73 ≤ 0.875 → 2), then 1.43 (0.72 → 1), then 0.53 (min 1).
    expect(apertures).toEqual([2, 1, 1]);
  });

  it('draws within the aperture only, by P2C on outstanding requests', () => {
    const load = new FixedLoad();
    const balancer = new FinagleApertureBalancer(depsOf(seeded('aperture-window'), load), { ...APERTURE, minAperture: 3 });
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1, 1, 1, 1, 1]));
    expect(balancer.logicalAperture).toBe(3);
    const window = new Set(balancer.vectorOrder().slice(0, 3));
    // Load the first of the window: with P2C over three it is chosen only when drawn with... never.
    const [busy] = [...window];
    load.set(busy!, 100);
    for (let i = 0; i < 300; i++) {
      const id = balancer.pick(NO_KEY);
      expect(window.has(id)).toBe(true);
      expect(id).not.toBe(busy);
      balancer.onComplete(id, 1, true);
    }
  });

  it('keeps its order over an update with the same nodes, and restarts at 1 when nodes change', () => {
    let now = 0;
    const load = new ActiveRequests(8);
    const balancer = new FinagleApertureBalancer({ random: seeded('aperture-rebuild'), now: () => now, load }, APERTURE);
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1, 1]));
    for (let i = 0; i < 6; i++) {
      now += 15_000;
      load.start(balancer.pick(NO_KEY));
    }
    const aperture = balancer.logicalAperture;
    expect(aperture).toBeGreaterThan(1);
    const order = balancer.vectorOrder();
    balancer.setEndpoints([...endpointsOf([1, 1, 1, 1, 1])].reverse()); // same nodes, another order
    expect(balancer.vectorOrder()).toEqual(order);
    expect(balancer.logicalAperture).toBe(aperture);
    balancer.setEndpoints(endpointsOf([1, 1, 1, 1, 1, 1])); // a node added: rebuild
    expect(balancer.logicalAperture).toBe(1);
    expect(balancer.vectorOrder().filter((id) => id !== 5)).toEqual(order); // tokens persist
  });

  it('uses the peak-EWMA cost with decayTime = smoothWin when load is peak_ewma', () => {
    const balancer = new FinagleApertureBalancer(depsOf(seeded('aperture-ewma'), new FixedLoad()), { ...APERTURE, load: 'peak_ewma' });
    expect(balancer.rtt?.decayMs).toBe(15_000);
    expect(balancer.rtt?.defaultRttMs).toBe(0);
  });

  it('rejects a load band that is not a band', () => {
    expect(() => new FinagleApertureBalancer(depsOf(seeded('x')), { ...APERTURE, lowLoad: 2, highLoad: 1 })).toThrow(RangeError);
    expect(() => new FinagleApertureBalancer(depsOf(seeded('x')), { ...APERTURE, minAperture: 0 })).toThrow(RangeError);
  });
});
