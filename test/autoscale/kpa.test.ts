import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNATIVE_DEFAULTS, KnativePodAutoscaler, KpaController, type KpaConfig, type KpaDecision } from '../../src/autoscale/kpa.js';
import { TimedBuckets } from '../../src/autoscale/timed-buckets.js';
import { advanceUntil } from '../../src/engine/timed-model.js';

describe('TimedBuckets (Knative bucketing)', () => {
  it('averages over the buckets written so far while the window is young', () => {
    const b = new TimedBuckets(60_000, 1000);
    b.record(10_000, 10);
    b.record(11_000, 20);
    expect(b.windowAverage(11_500)).toBe(15);
    b.record(11_900, 30); // same bucket
    expect(b.windowAverage(11_900)).toBe(30);
  });

  it('counts gaps as zeros, drops data older than the window, and is empty after a quiet window', () => {
    const b = new TimedBuckets(10_000, 1000);
    b.record(0, 10);
    b.record(4000, 10); // buckets 1–3 are zeros: (10 + 0 + 0 + 0 + 10) / 5
    expect(b.windowAverage(4000)).toBe(4);
    expect(b.windowAverage(6000)).toBe(20 / 5); // no data since 4 s: buckets 5–6 not counted yet
    expect(b.isEmpty(14_000)).toBe(false);
    expect(b.isEmpty(14_001 + 1000)).toBe(true);
    expect(b.windowAverage(20_000)).toBe(0);
    b.record(30_000, 7); // after a quiet window everything restarts
    expect(b.windowAverage(30_000)).toBe(7);
  });

  it('floors averages to 6 decimals, as roundToNDigits does', () => {
    const b = new TimedBuckets(3000, 1000);
    b.record(0, 1);
    b.record(1000, 1);
    b.record(2000, 0);
    expect(b.windowAverage(2000)).toBe(0.666666);
  });
});

function kpa(overrides: Partial<KpaConfig> = {}) {
  return new KnativePodAutoscaler({ ...KNATIVE_DEFAULTS, ...overrides });
}

describe('KnativePodAutoscaler', () => {
  it('aims for 70 concurrent requests per pod by default', () => {
    const a = kpa();
    expect(a.target).toBe(70);
    for (let t = 0; t <= 60_000; t += 1000) a.record(t, 350);
    expect(a.scale(60_000, 5)).toMatchObject({ valid: true, inPanic: false, decided: 5, desired: 5 });
  });

  it('panics when the 6 s window needs twice the ready pods, and ratchets up', () => {
    const a = kpa();
    for (let t = 0; t < 60_000; t += 1000) a.record(t, 70);
    expect(a.scale(59_000, 1).inPanic).toBe(false);
    for (let t = 60_000; t <= 66_000; t += 1000) a.record(t, 700); // a burst: 10 pods' worth
    const burst = a.scale(66_000, 1);
    expect(burst).toMatchObject({ inPanic: true });
    expect(burst.decided).toBeGreaterThanOrEqual(Math.ceil(burst.panicConcurrency / 70));
    for (let t = 67_000; t <= 74_000; t += 1000) a.record(t, 0); // the burst stops
    const after = a.scale(74_000, 10);
    expect(after.inPanic).toBe(true);
    expect(after.decided).toBe(burst.decided); // no scale-down in panic
  });

  it('leaves panic only after a stable window with no threshold crossing, then scales on the stable window', () => {
    const a = kpa();
    for (let t = 0; t <= 6000; t += 1000) a.record(t, 1000);
    expect(a.scale(6000, 1).inPanic).toBe(true);
    for (let t = 7000; t <= 70_000; t += 1000) a.record(t, 10);
    expect(a.scale(66_000, 15).inPanic).toBe(true); // 6 s + 60 s is not yet past
    expect(a.scale(68_000, 15).inPanic).toBe(false);
  });

  it('limits by the scale rates: at most ⌈1000·ready⌉ up and ⌊ready/2⌋ down per decision', () => {
    const a = kpa();
    for (let t = 0; t <= 60_000; t += 1000) a.record(t, 0.5);
    expect(a.scale(60_000, 10).decided).toBe(5); // wants 1, may go down to 10/2
  });

  it('makes no decision without data, holds the largest decision over the scale-down delay, and bounds the scale', () => {
    const a = kpa({ scaleDownDelay: 10_000, minScale: 2, maxScale: 4 });
    expect(a.scale(0, 3).valid).toBe(false);
    for (let t = 0; t <= 60_000; t += 1000) a.record(t, 70 * 3);
    expect(a.scale(60_000, 3)).toMatchObject({ decided: 3, desired: 3 });
    for (let t = 61_000; t <= 200_000; t += 1000) a.record(t, 0);
    expect(a.scale(200_000, 3)).toMatchObject({ decided: 1, desired: 2 });
  });

  it('scales to zero only after the decision has been 0 for the grace period', () => {
    const a = kpa();
    for (let t = 0; t <= 100_000; t += 1000) a.record(t, 0);
    expect(a.scale(60_000, 1)).toMatchObject({ decided: 0, desired: 1 });
    expect(a.scale(89_000, 1).desired).toBe(1);
    expect(a.scale(90_000, 1).desired).toBe(0);
    expect(kpa({ enableScaleToZero: false }).scale(0, 1).valid).toBe(false);
  });
});

describe('KpaController', () => {
  it('scrapes the average concurrency every second and decides every tick', () => {
    const a = kpa();
    const scaled: Array<[number, number]> = [];
    // 140 requests in flight at all times: ∫ = 140 · t.
    const c = new KpaController(a, 0, 500, (now) => 140 * now, () => 1, (n, t) => scaled.push([t, n]));
    advanceUntil(c, 10_000);
    expect(c.decisions()[0]!.valid).toBe(false); // 0.5 s: one reading, no average yet
    expect(scaled[0]).toEqual([2500, 2]);
    expect(c.decisions().every((d) => !d.valid || d.stableConcurrency === 140)).toBe(true);
  });
});

/** Guarantee 12 (reference §3): the panic ratchet, over random concurrency traces. */
describe('KPA guarantee 12 (property)', () => {
  it('never lowers the decision in panic, and leaves panic only a full stable window after the last crossing', () => {
    fc.assert(
      fc.property(
        fc.record({
          stableWindow: fc.integer({ min: 6, max: 120 }).map((s) => s * 1000),
          threshold: fc.integer({ min: 110, max: 400 }),
          trace: fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 10, maxLength: 400 }),
          ready: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 50 }),
        }),
        (s) => {
          const a = kpa({ stableWindow: s.stableWindow, panicThresholdPercentage: s.threshold });
          let previous: KpaDecision | null = null;
          let lastCrossing = Number.NaN;
          s.trace.forEach((value, i) => {
            const t = i * 1000;
            a.record(t, value);
            if (i % 2 !== 0) return;
            const ready = s.ready[(i / 2) % s.ready.length]!;
            const d = a.scale(t, ready);
            const dppc = Math.ceil(d.panicConcurrency / a.target);
            if (dppc / Math.max(1, ready) >= s.threshold / 100) lastCrossing = t;
            if (previous?.inPanic && d.inPanic) expect(d.decided).toBeGreaterThanOrEqual(previous.decided);
            if (previous?.inPanic && !d.inPanic) expect(t - lastCrossing).toBeGreaterThan(s.stableWindow);
            if (d.inPanic) expect(t - lastCrossing).toBeLessThanOrEqual(s.stableWindow);
            previous = d;
          });
        },
      ),
    );
  });
});
