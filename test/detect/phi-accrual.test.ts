import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_PHI_ACCRUAL_CONFIG,
  HeartbeatHistory,
  PhiAccrualFailureDetector,
  phiOf,
  phiQuantile,
  resolvePhiAccrualConfig,
  type PhiAccrualConfig,
} from '../../src/detect/phi-accrual.js';

/** Akka's AccrualFailureDetectorSpec builds its detectors with no acceptable pause. */
function specDetector(partial: Partial<PhiAccrualConfig> = {}): PhiAccrualFailureDetector {
  return new PhiAccrualFailureDetector(resolvePhiAccrualConfig({ acceptableHeartbeatPause: 0, ...partial }));
}

/** Akka's fakeTimeGenerator: the clock reads the running sums of the given intervals. */
function clock(intervals: number[]): () => number {
  const times: number[] = [];
  intervals.forEach((dt, i) => times.push(i === 0 ? dt : times[i - 1]! + dt));
  let next = 0;
  return () => {
    const t = times[next++];
    if (t === undefined) throw new Error('clock ran out');
    return t;
  };
}

const cdf = (phi: number) => 1 - 10 ** -phi;

describe('phi accrual config', () => {
  it("has Akka cluster's defaults", () => {
    expect(resolvePhiAccrualConfig()).toEqual({
      threshold: 8,
      maxSampleSize: 1000,
      minStdDeviation: 100,
      acceptableHeartbeatPause: 3_000,
      firstHeartbeatEstimate: 1_000,
    });
    expect(Object.isFrozen(DEFAULT_PHI_ACCRUAL_CONFIG)).toBe(true);
  });

  it.each([
    [{ threshold: 0 }, /threshold must be a finite number > 0/],
    [{ maxSampleSize: 0 }, /maxSampleSize must be an integer ≥ 1/],
    [{ minStdDeviation: 0 }, /minStdDeviation/],
    [{ acceptableHeartbeatPause: -1 }, /acceptableHeartbeatPause/],
    [{ firstHeartbeatEstimate: 0 }, /firstHeartbeatEstimate/],
  ] as const)('rejects %o as Akka requires', (partial, message) => {
    expect(() => resolvePhiAccrualConfig(partial as Partial<PhiAccrualConfig>)).toThrow(message);
  });
});

describe("phi accrual: Akka's AccrualFailureDetectorSpec", () => {
  it('uses a good enough cumulative distribution function', () => {
    expect(cdf(phiOf(0, 0, 10))).toBeCloseTo(0.5, 3);
    expect(Math.abs(cdf(phiOf(6, 0, 10)) - 0.7257)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phiOf(15, 0, 10)) - 0.9332)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phiOf(20, 0, 10)) - 0.97725)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phiOf(25, 0, 10)) - 0.99379)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phiOf(35, 0, 10)) - 0.99977)).toBeLessThan(0.001);
    expect(Math.abs(cdf(phiOf(40, 0, 10)) - 0.99997)).toBeLessThan(0.0001);
    for (let x = 0; x < 40; x++) expect(phiOf(x, 0, 10)).toBeLessThan(phiOf(x + 1, 0, 10));
    expect(Math.abs(cdf(phiOf(22, 20, 3)) - 0.7475)).toBeLessThan(0.001);
  });

  it('handles outliers without losing precision or hitting exceptions', () => {
    expect(Math.abs(phiOf(10, 0, 1) - 38)).toBeLessThanOrEqual(1);
    expect(phiOf(-25, 0, 1)).toBe(0);
  });

  it('returns realistic phi values', () => {
    const expected: [number, number][] = [
      [0, 0.0],
      [500, 0.1],
      [1000, 0.3],
      [1200, 1.6],
      [1400, 4.7],
      [1600, 10.8],
      [1700, 15.3],
    ];
    for (const [timeDiff, phi] of expected) expect(Math.abs(phiOf(timeDiff, 1000, 100) - phi)).toBeLessThanOrEqual(0.1);
    expect(phiOf(1100, 1000, 500)).toBeLessThan(phiOf(1100, 1000, 100));
  });

  it('returns phi 0 before any heartbeat', () => {
    const fd = specDetector();
    expect(fd.phi(0)).toBe(0);
    expect(fd.phi(1e9)).toBe(0);
    expect(fd.isMonitoring).toBe(false);
    expect(fd.suspicionTime()).toBe(Infinity);
  });

  it('returns phi based on the guess when there is only one heartbeat', () => {
    const now = clock([0, 1000, 1000, 1000, 1000]);
    const fd = specDetector({ firstHeartbeatEstimate: 1000 });
    fd.heartbeat(now());
    expect(Math.abs(fd.phi(now()) - 0.3)).toBeLessThanOrEqual(0.2);
    expect(Math.abs(fd.phi(now()) - 4.5)).toBeLessThanOrEqual(0.3);
    expect(fd.phi(now())).toBeGreaterThan(15);
  });

  it('returns a phi value using the first interval after the second heartbeat', () => {
    const now = clock([0, 100, 100, 100]);
    const fd = specDetector();
    fd.heartbeat(now());
    expect(fd.phi(now())).toBeGreaterThan(0);
    fd.heartbeat(now());
    expect(fd.phi(now())).toBeGreaterThan(0);
  });

  it('marks a node monitored after a series of successful heartbeats', () => {
    const now = clock([0, 1000, 100, 100]);
    const fd = specDetector();
    expect(fd.isMonitoring).toBe(false);
    fd.heartbeat(now());
    fd.heartbeat(now());
    fd.heartbeat(now());
    expect(fd.isMonitoring).toBe(true);
    expect(fd.isAvailable(now())).toBe(true);
  });

  it('marks a node dead if heartbeats are missed', () => {
    const now = clock([0, 1000, 100, 100, 7000]);
    const fd = specDetector({ threshold: 3 });
    fd.heartbeat(now()); // 0
    fd.heartbeat(now()); // 1000
    fd.heartbeat(now()); // 1100
    expect(fd.isAvailable(now())).toBe(true); // 1200
    expect(fd.isAvailable(now())).toBe(false); // 8200
  });

  it('marks a node available when it heartbeats again after being marked dead', () => {
    // 1000 regular intervals, a 5 minute pause, then a short pause that triggers unreachable again.
    const intervals = [0, ...new Array<number>(999).fill(1000), 5 * 60 * 1000, 100, 900, 100, 7000, 100, 900, 100, 900];
    const now = clock(intervals);
    const fd = specDetector({ threshold: 8, acceptableHeartbeatPause: 3000 });
    for (let i = 0; i < 1000; i++) fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(false); // after the long pause
    const sizeBefore = fd.history.size;
    fd.heartbeat(now()); // arrives while unavailable: not added to the history
    expect(fd.history.size).toBe(sizeBefore);
    expect(fd.isAvailable(now())).toBe(true);
    fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(false); // after the 7 s pause
    fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(true);
    fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(true);
  });

  it('accepts some configured missing heartbeats', () => {
    const now = clock([0, 1000, 1000, 1000, 4000, 1000, 1000]);
    const fd = specDetector({ acceptableHeartbeatPause: 3000 });
    for (let i = 0; i < 4; i++) fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(true);
    fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(true);
  });

  it('fails after the configured acceptable missing heartbeats', () => {
    const now = clock([0, 1000, 1000, 1000, 1000, 1000, 500, 500, 5000]);
    const fd = specDetector({ acceptableHeartbeatPause: 3000 });
    for (let i = 0; i < 6; i++) fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(true);
    fd.heartbeat(now());
    expect(fd.isAvailable(now())).toBe(false);
  });

  it('uses maxSampleSize heartbeats', () => {
    const now = clock([0, 100, 100, 100, 100, 600, 500, 500, 500, 500, 500]);
    const fd = specDetector({ maxSampleSize: 3 });
    for (let i = 0; i < 4; i++) fd.heartbeat(now()); // 100 ms intervals
    const phi1 = fd.phi(now());
    // 500 ms intervals: the same phi once the 100 ms intervals have been dropped
    for (let i = 0; i < 4; i++) fd.heartbeat(now());
    expect(Math.abs(fd.phi(now()) - phi1)).toBeLessThan(0.001);
  });
});

describe("heartbeat history: Akka's statistics spec", () => {
  function history(max: number, samples: number[]): HeartbeatHistory {
    const h = new HeartbeatHistory(max);
    for (const x of samples) h.append(x);
    return h;
  }

  it('calculates the mean and the population variance', () => {
    const h = history(20, [100, 200, 125, 340, 130]);
    expect(h.mean).toBeCloseTo(179, 5);
    expect(h.variance).toBeCloseTo(7584, 5);
  });

  it('has variance 0 for one sample', () => {
    expect(history(600, [1000]).variance).toBeCloseTo(0, 5);
  });

  it('is capped by maxSampleSize', () => {
    const h = history(3, [100, 110, 90]);
    expect(h.mean).toBeCloseTo(100, 5);
    expect(h.variance).toBeCloseTo(66.6666667, 5);
    h.append(140);
    expect(h.mean).toBeCloseTo(113.333333, 5);
    expect(h.variance).toBeCloseTo(422.222222, 5);
    h.append(80);
    expect(h.mean).toBeCloseTo(103.333333, 5);
    expect(h.variance).toBeCloseTo(688.88888889, 5);
  });

  it('keeps its sums accurate over many rotations', () => {
    const h = new HeartbeatHistory(7);
    const window: number[] = [];
    for (let i = 0; i < 10_000; i++) {
      const x = 1000 + ((i * 7919) % 311) / 3;
      h.append(x);
      window.push(x);
      if (window.length > 7) window.shift();
    }
    const mean = window.reduce((a, b) => a + b, 0) / 7;
    expect(h.mean).toBeCloseTo(mean, 9);
    expect(h.variance).toBeCloseTo(window.reduce((a, x) => a + (x - mean) ** 2, 0) / 7, 6);
  });

  it('bootstraps a detector with m ± m/4 of the estimate, in whole ms', () => {
    const fd = new PhiAccrualFailureDetector(resolvePhiAccrualConfig({ firstHeartbeatEstimate: 1_003 }));
    fd.heartbeat(0);
    expect(fd.history.size).toBe(2);
    expect(fd.history.mean).toBe(1_003);
    expect(fd.history.stdDeviation).toBe(250); // 1003 / 4 = 250 in Long division
  });
});

describe('phi accrual with the defaults', () => {
  function steady(count: number, interval = 1_000): PhiAccrualFailureDetector {
    const fd = new PhiAccrualFailureDetector(resolvePhiAccrualConfig());
    for (let i = 0; i < count; i++) fd.heartbeat(i * interval);
    return fd;
  }

  it('reaches φ = 8 about 4.52 s after the last of steady 1 s heartbeats (10 at 4.58 s, 12 at 4.63 s)', () => {
    const fd = steady(200);
    const last = fd.lastHeartbeat;
    expect(fd.history.stdDeviation).toBeLessThan(100); // clamped to minStdDeviation
    expect(fd.suspicionTime() - last).toBeCloseTo(4_522, -1);
    expect(Math.abs(fd.suspicionTime() - last - 4_520)).toBeLessThan(5);
    for (const [threshold, delay] of [
      [10, 4_580],
      [12, 4_630],
    ] as const) {
      const sigma = 100;
      expect(Math.abs(fd.history.mean + 3_000 + phiQuantile(threshold) * sigma - delay)).toBeLessThan(5);
    }
  });

  it('suspects exactly from suspicionTime on', () => {
    const fd = steady(50);
    const t = fd.suspicionTime();
    expect(fd.phi(t)).toBeGreaterThanOrEqual(8);
    expect(fd.isAvailable(t)).toBe(false);
    expect(fd.isAvailable(t - 1e-6)).toBe(true);
  });

  it('solves the logistic cubic for the threshold', () => {
    for (const threshold of [0.5, 1, 3, 8, 16, 40]) {
      const y = phiQuantile(threshold);
      expect(phiOf(y, 0, 1)).toBeCloseTo(threshold, 9);
    }
    expect(phiQuantile(8)).toBeCloseTo(5.225, 2);
  });

  it('reads a silence longer than the history allows as unavailable, and does not learn from it', () => {
    const fd = steady(20);
    const mean = fd.history.mean;
    fd.heartbeat(19_000 + 10_000);
    expect(fd.history.mean).toBe(mean);
    fd.heartbeat(19_000 + 11_000);
    expect(fd.history.size).toBe(22);
  });

  it('refuses heartbeats going back in time', () => {
    const fd = steady(3);
    expect(() => fd.heartbeat(1_000)).toThrow(/time went backwards/);
  });
});

describe('phi accrual guarantees (properties)', () => {
  const historyArb = fc.record({
    config: fc.record({
      threshold: fc.double({ min: 0.5, max: 20, noNaN: true }),
      maxSampleSize: fc.integer({ min: 1, max: 50 }),
      minStdDeviation: fc.integer({ min: 1, max: 500 }),
      acceptableHeartbeatPause: fc.integer({ min: 0, max: 5_000 }),
      firstHeartbeatEstimate: fc.integer({ min: 1, max: 5_000 }),
    }),
    intervals: fc.array(fc.double({ min: 0, max: 5_000, noNaN: true }), { minLength: 0, maxLength: 60 }),
    start: fc.double({ min: 0, max: 1e7, noNaN: true }),
  });

  function detectorFrom(s: { config: PhiAccrualConfig; intervals: number[]; start: number }): PhiAccrualFailureDetector {
    const fd = new PhiAccrualFailureDetector(resolvePhiAccrualConfig(s.config));
    let t = s.start;
    fd.heartbeat(t);
    for (const dt of s.intervals) fd.heartbeat((t += dt));
    return fd;
  }

  it('(c)21 φ never decreases between heartbeats', () => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.double({ min: 1e-3, max: 3_000, noNaN: true }), { minLength: 2, maxLength: 20 }), (s, gaps) => {
        const fd = detectorFrom(s);
        let t = fd.lastHeartbeat;
        let previous = fd.phi(t);
        for (const gap of gaps) {
          t += gap;
          const phi = fd.phi(t);
          expect(phi).toBeGreaterThanOrEqual(previous);
          previous = phi;
        }
      }),
    );
  });

  it('(c)21 suspicionTime is the first time φ ≥ threshold: suspected from it on, available just before', () => {
    fc.assert(
      fc.property(historyArb, fc.double({ min: 0, max: 1e6, noNaN: true }), (s, later) => {
        const fd = detectorFrom(s);
        const t = fd.suspicionTime();
        expect(t).toBeGreaterThanOrEqual(fd.lastHeartbeat);
        expect(fd.isAvailable(t)).toBe(false);
        expect(fd.isAvailable(t + later)).toBe(false);
        const before = t - Math.max(1e-6, Math.abs(t) * 1e-12);
        if (before >= fd.lastHeartbeat) expect(fd.isAvailable(before)).toBe(true);
      }),
    );
  });

  it('(c)22 a crash is suspected mean + pause + y(threshold)·max(σ, minStd) after the last heartbeat, ≤ 5.61σ past the mean + pause at threshold 8', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 100, max: 5_000 }),
        fc.double({ min: 0, max: 0.05, noNaN: true }),
        fc.integer({ min: 20, max: 300 }),
        (interval, wobble, count) => {
          const fd = new PhiAccrualFailureDetector(resolvePhiAccrualConfig({ firstHeartbeatEstimate: interval }));
          let t = 0;
          for (let i = 0; i < count; i++) fd.heartbeat((t += interval * (1 + (i % 2 === 0 ? wobble : -wobble))));
          const sigma = Math.max(fd.history.stdDeviation, 100);
          const delay = fd.suspicionTime() - fd.lastHeartbeat;
          expect(delay).toBeCloseTo(fd.history.mean + 3_000 + phiQuantile(8) * sigma, 3);
          expect(delay).toBeLessThanOrEqual(fd.history.mean + 3_000 + 5.61 * sigma);
        },
      ),
    );
  });
});
