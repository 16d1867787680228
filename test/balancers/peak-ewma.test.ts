/**
 * Linkerd / tower peak EWMA: P2C over two distinct endpoints on cost = peak-EWMA RTT ×
 * (pending + 1). Draws are checked against tower's Floyd sample, costs against hand-computed
 * values, and the dynamics (a slow host, a new host) on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { PeakEwmaBalancer, type PeakEwmaOptions } from '../../src/balancers/peak-ewma.js';
import type { LoadView, RandomSource } from '../../src/balancers/types.js';
import { ActiveRequests } from '../../src/load/active-requests.js';
import { FixedLoad, NO_KEY, ScriptedRandom, endpointsOf, indexDraw, seeded } from './_harness.js';

const LINKERD: PeakEwmaOptions = { defaultRttMs: 30, decayMs: 10_000 };

function peakEwma(random: RandomSource, load: LoadView, n: number, now: () => number = () => 0): PeakEwmaBalancer {
  const balancer = new PeakEwmaBalancer({ random, now, load }, LINKERD);
  balancer.setEndpoints(endpointsOf(new Array<number>(n).fill(1)));
  return balancer;
}

/**
 * Open-loop driver on a fake clock: one request every `gapMs`, each answered after the RTT
 * its endpoint has at that time; completions are delivered in time order before each pick.
 */
class Driver {
  now = 0;
  readonly load = new ActiveRequests(16);
  readonly balancer: PeakEwmaBalancer;
  private pending: Array<{ at: number; id: number; rtt: number }> = [];
  constructor(
    name: string,
    readonly rttOf: (id: number, now: number) => number,
    readonly gapMs = 1,
  ) {
    this.balancer = new PeakEwmaBalancer({ random: seeded(name), now: () => this.now, load: this.load }, LINKERD);
  }
  /** Runs until `until` ms; returns pick counts by id. */
  run(until: number): Map<number, number> {
    const counts = new Map<number, number>();
    for (; this.now < until; this.now += this.gapMs) {
      this.deliver();
      const id = this.balancer.pick(NO_KEY);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      this.load.start(id);
      const rtt = this.rttOf(id, this.now);
      this.pending.push({ at: this.now + rtt, id, rtt });
    }
    return counts;
  }
  private deliver(): void {
    this.pending.sort((a, b) => a.at - b.at);
    while (this.pending.length > 0 && this.pending[0]!.at <= this.now) {
      const { at, id, rtt } = this.pending.shift()!;
      const t = this.now;
      this.now = at; // the completion happens at its own time
      this.load.end(id);
      this.balancer.onComplete(id, rtt, true);
      this.now = t;
    }
  }
}

describe('PeakEwmaBalancer, selection', () => {
  it('returns -1 for no endpoints and the only endpoint without drawing', () => {
    const random = new ScriptedRandom([]);
    const balancer = peakEwma(random, new FixedLoad(), 0);
    expect(balancer.pick(NO_KEY)).toBe(-1);
    balancer.setEndpoints(endpointsOf([1], [42]));
    expect(balancer.pick(NO_KEY)).toBe(42);
    expect(random.used).toBe(0);
  });

  it("draws two distinct indices as rand's Floyd sample does: [t, u], or [n−1, t] when u = t", () => {
    // n = 4, equal costs (all default RTT, idle): the first index of the sample wins the tie.
    const draws = [indexDraw(1, 3), indexDraw(2, 4), indexDraw(2, 3), indexDraw(2, 4)];
    const random = new ScriptedRandom(draws);
    const balancer = peakEwma(random, new FixedLoad(), 4);
    expect(balancer.pick(NO_KEY)).toBe(1); // t = 1, u = 2: sample [1, 2], tie → 1
    expect(balancer.pick(NO_KEY)).toBe(3); // t = 2, u = 2: sample [3, 2], tie → 3
    expect(random.used).toBe(4);
  });

  it('never compares an endpoint with itself: the loser of a pair can be any other endpoint', () => {
    // With endpoint 0 heavily loaded, it is picked only if it is never drawn with another:
    // impossible when draws are distinct, so 0 is never chosen.
    const balancer = peakEwma(seeded('p2c-distinct'), new FixedLoad({ 0: 1000 }), 2);
    for (let i = 0; i < 2000; i++) expect(balancer.pick(NO_KEY)).toBe(1);
  });

  it('compares cost = RTT estimate × (pending + 1), the lower wins', () => {
    // Endpoint 0: 30 ms × (2 + 1) = 90; endpoint 1: 30 ms × (1 + 1) = 60.
    const balancer = peakEwma(new ScriptedRandom([indexDraw(0, 1), indexDraw(1, 2)]), new FixedLoad({ 0: 2, 1: 1 }), 2);
    expect(balancer.cost(0)).toBe(90);
    expect(balancer.cost(1)).toBe(60);
    expect(balancer.pick(NO_KEY)).toBe(1);
  });

  it('learns RTTs from onComplete, failures included (tower records every dropped handle)', () => {
    let now = 0;
    const balancer = peakEwma(seeded('p2c-learn'), new FixedLoad(), 2, () => now);
    now = 500;
    balancer.onComplete(0, 250, false); // a timeout after 250 ms is a 250 ms sample
    expect(balancer.cost(0)).toBe(250);
    expect(balancer.cost(1)).toBe(30 * Math.exp(-500 / 10_000));
    balancer.onComplete(99, 5, true); // not an endpoint: ignored
  });
});

describe('PeakEwmaBalancer, dynamics on a fake clock', () => {
  it('turns away from a host that becomes slow at once, and probes it again as its estimate decays', () => {
    // Four hosts answer in 4 ms; from t = 20 s host 2 takes 100 ms. One request per ms.
    const slowFrom = 20_000;
    const rttOf = (id: number, now: number): number => (id === 2 && now >= slowFrom ? 100 : 4);
    const driver = new Driver('slow-host', rttOf);
    driver.balancer.setEndpoints(endpointsOf([1, 1, 1, 1]));
    const before = driver.run(slowFrom);
    expect((before.get(2) ?? 0) / slowFrom).toBeGreaterThan(0.2); // about 1/4
    // One decay period (10 s) after it turned slow: the peak took effect on its first slow answer.
    const after = driver.run(slowFrom + 10_000);
    const slowShare = (after.get(2) ?? 0) / 10_000;
    // Expected: only re-probes as its 100 ms peak decays below the others' ≈ 4–8 ms costs
    // (ln(100/8)·10 s ≈ 25 s each), plus the requests it took in its first 100 ms.
    expect(slowShare).toBeLessThan(0.02);
    // Over three more decay periods it is still shunned, yet probed (never starved forever).
    const later = driver.run(slowFrom + 40_000);
    expect((later.get(2) ?? 0) / 30_000).toBeLessThan(0.01);
    expect(later.get(2) ?? 0).toBeGreaterThan(0);
  });

  it('probes a new host: it starts at the default RTT, decays, and then takes its share', () => {
    // Three hosts answer in 60 ms, above the 30 ms default: a new fourth host (also 60 ms) is
    // cheaper at once, takes requests, and settles at a fair share once its estimate is real.
    const driver = new Driver('new-host', () => 60, 5);
    driver.balancer.setEndpoints(endpointsOf([1, 1, 1]));
    driver.run(30_000);
    driver.balancer.setEndpoints(endpointsOf([1, 1, 1, 1]));
    const firstSecond = driver.run(31_000);
    expect(firstSecond.get(3) ?? 0).toBeGreaterThan(0);
    const settled = driver.run(91_000);
    const share = (settled.get(3) ?? 0) / (60_000 / 5);
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
  });
});
