/**
 * The peak-EWMA load metric against its definitions: tower's own unit tests
 * (tower/src/load/peak_ewma.rs `default_decay`, `compound_decay`) replayed on a fake clock in
 * milliseconds, and Finagle's new-host penalty (PeakEwma.scala `get`).
 */
import { describe, expect, it } from 'vitest';
import { FINAGLE_PENALTY, PeakEwma } from '../../src/load/peak-ewma.js';

/** A settable clock, in ms. */
function clock(start = 0): { now: () => number; advance: (ms: number) => void; set: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}

describe('PeakEwma (tower load::PeakEwma)', () => {
  it('decays the default RTT toward 0 when unused (tower default_decay)', () => {
    const c = clock();
    const ewma = new PeakEwma({ defaultRttMs: 10, decayMs: 1000 }, c.now);
    ewma.track([0]);
    expect(ewma.cost(0, 0)).toBe(10);
    c.advance(100);
    const after100 = ewma.cost(0, 0);
    expect(after100).toBeGreaterThan(9);
    expect(after100).toBeLessThan(10);
    c.advance(100);
    const after200 = ewma.cost(0, 0);
    expect(after200).toBeGreaterThan(8);
    expect(after200).toBeLessThan(9);
    // Exactly 10·e^(−0.1) twice over: each read decays from the previous read.
    expect(after200).toBe(10 * Math.exp(-0.1) * Math.exp(-0.1));
  });

  it('takes peaks at once, decays toward samples by elapsed time (tower compound_decay)', () => {
    const c = clock();
    const ewma = new PeakEwma({ defaultRttMs: 20, decayMs: 1000 }, c.now);
    ewma.track([7]);
    expect(ewma.cost(0, 0)).toBe(20);
    c.advance(100); // rsp0 sent: one pending
    expect(ewma.cost(0, 1)).toBeGreaterThan(20);
    c.advance(100); // rsp1 sent: two pending
    expect(ewma.cost(0, 2)).toBeGreaterThan(40);
    c.advance(100); // rsp0 answers after 200 ms: a peak
    ewma.observe(7, 200);
    expect(ewma.cost(0, 1)).toBe(400);
    c.advance(100); // rsp1 answers after 200 ms: equal to the estimate, so the EWMA path
    ewma.observe(7, 200);
    expect(ewma.cost(0, 0)).toBeCloseTo(200, 10);
    c.advance(1000);
    expect(ewma.cost(0, 0)).toBeLessThan(100);
    c.advance(10_000);
    expect(ewma.cost(0, 0)).toBeLessThan(0.1);
  });

  it('computes Cost exactly: estimate × (pending + 1), the estimate decayed by exp(−Δt/τ)', () => {
    const c = clock();
    const ewma = new PeakEwma({ defaultRttMs: 30, decayMs: 10_000 }, c.now);
    ewma.track([1, 2]);
    c.set(1000);
    ewma.observe(1, 50); // above 30 (decayed to 30·e^−0.1): the peak replaces it
    expect(ewma.estimate(0)).toBe(50);
    c.set(6000);
    expect(ewma.cost(0, 2)).toBe(50 * Math.exp(-0.5) * 3);
    // Endpoint 2 was never read: from 30 at t = 0 to t = 6 s in one step.
    expect(ewma.cost(1, 0)).toBe(30 * Math.exp(-0.6));
    // A sample below the estimate moves it by the elapsed-time weight.
    c.set(8000);
    const before = 50 * Math.exp(-0.5);
    const w = Math.exp(-0.2);
    ewma.observe(1, 10);
    expect(ewma.estimate(0)).toBe(before * w + 10 * (1 - w));
  });

  it('keeps the estimates of endpoints that stay, starts new ones at the default, forgets removed ones', () => {
    const c = clock();
    const ewma = new PeakEwma({ defaultRttMs: 30, decayMs: 10_000 }, c.now);
    ewma.track([5, 6]);
    ewma.observe(5, 80);
    c.set(2000);
    ewma.track([6, 9, 5]); // reordered, one new
    expect(ewma.slot(5)).toBe(2);
    expect(ewma.estimate(2)).toBe(80 * Math.exp(-0.2));
    expect(ewma.estimate(1)).toBe(30); // new at t = 2 s: no decay yet
    ewma.track([6]);
    ewma.observe(5, 1000); // no longer tracked: ignored
    ewma.track([6, 5]);
    expect(ewma.estimate(1)).toBe(30);
  });

  it('adds and forgets one endpoint at a time in ascending id order, as track would place them', () => {
    const c = clock();
    const ewma = new PeakEwma({ defaultRttMs: 30, decayMs: 10_000 }, c.now);
    ewma.track([9, 2, 5]); // another order: sorted at the first add or forget, estimates kept
    ewma.observe(9, 80);
    c.set(1000);
    expect(ewma.add(7)).toBe(2);
    expect(Array.from(ewma.ids.subarray(0, ewma.size))).toEqual([2, 5, 7, 9]);
    expect(ewma.estimate(3)).toBe(80 * Math.exp(-0.1));
    expect(ewma.estimate(2)).toBe(30); // new at t = 1 s
    expect(ewma.add(7)).toBe(2); // already tracked: kept
    expect(ewma.forget(2)).toBe(0);
    expect(ewma.forget(2)).toBe(-1);
    expect(ewma.slot(9)).toBe(2);
    ewma.observe(9, 500);
    expect(ewma.estimate(2)).toBe(500);
    // Growth past the capacity keeps every estimate in its slot.
    for (let id = 100; id < 120; id++) ewma.add(id);
    expect(ewma.size).toBe(23);
    expect(ewma.estimate(ewma.slot(9))).toBe(500);
  });

  it('rejects a non-positive decay and a negative default', () => {
    expect(() => new PeakEwma({ defaultRttMs: 30, decayMs: 0 }, () => 0)).toThrow(RangeError);
    expect(() => new PeakEwma({ defaultRttMs: -1, decayMs: 10 }, () => 0)).toThrow(RangeError);
  });
});

describe('PeakEwma, Finagle load (PeakEwma.scala Metric.get)', () => {
  it('costs 0 for an idle new node, Penalty + pending once it has requests and no history', () => {
    const c = clock();
    const ewma = new PeakEwma({ defaultRttMs: 0, decayMs: 10_000 }, c.now);
    ewma.track([0]);
    expect(ewma.finagleLoad(0, 0)).toBe(0);
    expect(ewma.finagleLoad(0, 1)).toBe(FINAGLE_PENALTY + 1);
    expect(ewma.finagleLoad(0, 3)).toBe(FINAGLE_PENALTY + 3);
    expect(FINAGLE_PENALTY).toBe(Number(BigInt('0x7fffffffffffffff') >> 16n));
    c.set(40);
    ewma.observe(0, 40);
    expect(ewma.finagleLoad(0, 1)).toBe(80);
    c.set(10_040);
    expect(ewma.finagleLoad(0, 0)).toBe(40 * Math.exp(-1));
  });
});
