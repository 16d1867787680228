import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_OUTLIER_DETECTOR_CONFIG,
  OutlierDetector,
  resolveOutlierDetectorConfig,
  type OutlierDetectorConfig,
  type OutlierEvent,
  type OutlierOutcome,
} from '../../src/detect/outlier-detector.js';
import { NO_RANDOM, ScriptedRandom, randomSeed, sourceOf } from './_harness.js';

function detector(hosts: number, partial: Partial<OutlierDetectorConfig> = {}, random = NO_RANDOM): OutlierDetector {
  return new OutlierDetector(resolveOutlierDetectorConfig(partial), hosts, random);
}

function repeat(d: OutlierDetector, host: number, outcome: OutlierOutcome, count: number, now: number): OutlierEvent[] {
  const events: OutlierEvent[] = [];
  for (let i = 0; i < count; i++) events.push(...d.recordResponse(host, outcome, now));
  return events;
}

/** Requests with the given success count out of `total`, all at time `now`. */
function traffic(d: OutlierDetector, host: number, successes: number, total: number, now: number): void {
  for (let i = 0; i < total; i++) d.recordResponse(host, i < successes ? 'success' : 'error5xx', now);
}

describe('outlier detection config', () => {
  it("has Envoy's defaults", () => {
    expect(resolveOutlierDetectorConfig()).toEqual({
      consecutive5xx: 5,
      enforcingConsecutive5xx: 100,
      consecutiveGatewayFailure: 5,
      enforcingConsecutiveGatewayFailure: 0,
      interval: 10_000,
      baseEjectionTime: 30_000,
      maxEjectionTime: 300_000,
      maxEjectionTimeJitter: 0,
      maxEjectionPercent: 10,
      alwaysEjectOneHost: false,
      enforcingSuccessRate: 100,
      successRateMinimumHosts: 5,
      successRateRequestVolume: 100,
      successRateStdevFactor: 1900,
      failurePercentageThreshold: 85,
      enforcingFailurePercentage: 0,
      failurePercentageMinimumHosts: 5,
      failurePercentageRequestVolume: 50,
      successfulActiveHealthCheckUnejectHost: true,
    });
    expect(Object.isFrozen(DEFAULT_OUTLIER_DETECTOR_CONFIG)).toBe(true);
  });

  it('derives an unset max ejection time as max(300 s, base), as Envoy does', () => {
    expect(resolveOutlierDetectorConfig({ baseEjectionTime: 400_000 }).maxEjectionTime).toBe(400_000);
    expect(resolveOutlierDetectorConfig({ baseEjectionTime: 10_000 }).maxEjectionTime).toBe(300_000);
  });

  it('rejects a max ejection time below the base, as Envoy rejects the cluster', () => {
    expect(() => resolveOutlierDetectorConfig({ baseEjectionTime: 60_000, maxEjectionTime: 30_000 })).toThrow(
      /maxEjectionTime \(30000\) cannot be smaller than baseEjectionTime \(60000\)/,
    );
  });

  it.each([
    [{ consecutive5xx: 0 }, /consecutive5xx must be an integer ≥ 1/],
    [{ consecutiveGatewayFailure: 2.5 }, /consecutiveGatewayFailure/],
    [{ enforcingConsecutive5xx: 101 }, /enforcingConsecutive5xx must be a percentage in \[0, 100\]/],
    [{ maxEjectionPercent: -1 }, /maxEjectionPercent/],
    [{ interval: 0 }, /interval must be a finite number > 0/],
    [{ baseEjectionTime: Number.NaN }, /baseEjectionTime/],
    [{ maxEjectionTimeJitter: -5 }, /maxEjectionTimeJitter must be a finite number ≥ 0/],
    [{ successRateStdevFactor: -1 }, /successRateStdevFactor/],
    [{ failurePercentageThreshold: 200 }, /failurePercentageThreshold/],
  ] as const)('rejects %o', (partial, message) => {
    expect(() => resolveOutlierDetectorConfig(partial as Partial<OutlierDetectorConfig>)).toThrow(RangeError);
    expect(() => resolveOutlierDetectorConfig(partial as Partial<OutlierDetectorConfig>)).toThrow(message);
  });

  it('rejects a bad host count, unknown hosts and time going backwards', () => {
    expect(() => detector(-1)).toThrow(/hostCount/);
    const d = detector(10);
    expect(() => d.recordResponse(10, 'success', 0)).toThrow(/host 10 is not in 0…9/);
    expect(() => d.isEjected(-1)).toThrow(RangeError);
    d.sweep(10_000);
    expect(() => d.recordResponse(0, 'success', 9_999)).toThrow(/time went backwards/);
  });
});

describe('consecutive errors', () => {
  it('ejects at the response that makes the count equal the threshold', () => {
    const d = detector(10);
    expect(repeat(d, 3, 'error5xx', 4, 100)).toEqual([]);
    expect(d.consecutive5xx(3)).toBe(4);
    expect(d.recordResponse(3, 'error5xx', 200)).toEqual([{ time: 200, host: 3, kind: 'eject', reason: 'consecutive_5xx' }]);
    expect(d.isEjected(3)).toBe(true);
    expect(d.activeEjections).toBe(1);
    expect(d.consecutive5xx(3)).toBe(0); // reset after the ejection attempt
    expect(d.ejectionCount(3)).toBe(1);
    expect(d.backoff(3)).toBe(1);
    expect(d.lastEjectionTime(3)).toBe(200);
    expect(d.stats).toMatchObject({ ejectionsEnforcedTotal: 1, ejectionsOverflow: 0 });
    expect(d.stats.detected.consecutive_5xx).toBe(1);
    expect(d.stats.enforced.consecutive_5xx).toBe(1);
  });

  it('a success clears both counters', () => {
    const d = detector(10);
    repeat(d, 0, 'gateway', 4, 0);
    d.recordResponse(0, 'success', 0);
    expect(d.consecutive5xx(0)).toBe(0);
    expect(d.consecutiveGatewayFailures(0)).toBe(0);
    expect(repeat(d, 0, 'error5xx', 4, 0)).toEqual([]);
    expect(d.isEjected(0)).toBe(false);
  });

  it('a non-gateway 5xx clears the gateway counter but counts as a 5xx', () => {
    const d = detector(10);
    repeat(d, 0, 'gateway', 4, 0);
    expect(d.recordResponse(0, 'error5xx', 0)).toEqual([{ time: 0, host: 0, kind: 'eject', reason: 'consecutive_5xx' }]);
    expect(d.consecutiveGatewayFailures(0)).toBe(0);
    expect(d.stats.detected.consecutive_gateway_failure).toBe(0);
  });

  it('gateway detection is logged but not enforced by default, then the 5xx detection ejects', () => {
    const d = detector(10);
    const events = repeat(d, 1, 'gateway', 5, 50);
    expect(events).toEqual([
      { time: 50, host: 1, kind: 'detected_not_enforced', reason: 'consecutive_gateway_failure' },
      { time: 50, host: 1, kind: 'eject', reason: 'consecutive_5xx' },
    ]);
    expect(d.stats.detected.consecutive_gateway_failure).toBe(1);
    expect(d.stats.enforced.consecutive_gateway_failure).toBe(0);
  });

  it('counts local-origin failures (connect failure, reset, timeout) as gateway failures and 5xx', () => {
    const d = detector(10, { enforcingConsecutiveGatewayFailure: 100, consecutive5xx: 7 });
    expect(repeat(d, 2, 'local', 5, 0)).toEqual([{ time: 0, host: 2, kind: 'eject', reason: 'consecutive_gateway_failure' }]);
    expect(d.consecutiveGatewayFailures(2)).toBe(0);
    expect(d.consecutive5xx(2)).toBe(5);
  });

  it('drops detections on an ejected host and leaves its counters running until the uneject', () => {
    const d = detector(10);
    repeat(d, 0, 'error5xx', 5, 0);
    expect(repeat(d, 0, 'error5xx', 8, 1_000)).toEqual([]); // panic traffic, say
    expect(d.consecutive5xx(0)).toBe(8);
    expect(d.stats.detected.consecutive_5xx).toBe(1);
    d.sweep(10_000);
    d.sweep(20_000);
    expect(d.sweep(30_000)).toEqual([{ time: 30_000, host: 0, kind: 'uneject', reason: 'timer' }]);
    expect(d.consecutive5xx(0)).toBe(0);
    expect(d.lastUnejectionTime(0)).toBe(30_000);
  });

  it('in log-only mode reports each detection, resets the counter and ejects nothing', () => {
    const d = detector(10, { enforcingConsecutive5xx: 0 });
    const events = repeat(d, 4, 'error5xx', 10, 0);
    expect(events).toEqual([
      { time: 0, host: 4, kind: 'detected_not_enforced', reason: 'consecutive_5xx' },
      { time: 0, host: 4, kind: 'detected_not_enforced', reason: 'consecutive_5xx' },
    ]);
    expect(d.isEjected(4)).toBe(false);
    expect(d.backoff(4)).toBe(0);
    expect(d.stats.detected.consecutive_5xx).toBe(2);
    expect(d.stats.ejectionsEnforcedTotal).toBe(0);
  });

  it('enforces with probability enforcing/100, one draw per detection (featureEnabled: rand % 100 < pct)', () => {
    const d = detector(10, { enforcingConsecutive5xx: 50 }, new ScriptedRandom([0.5, 0.49]));
    expect(repeat(d, 0, 'error5xx', 5, 0).map((e) => e.kind)).toEqual(['detected_not_enforced']);
    expect(repeat(d, 0, 'error5xx', 5, 0).map((e) => e.kind)).toEqual(['eject']);
  });

  it('shares one empty array for responses that decide nothing', () => {
    const d = detector(10);
    expect(d.recordResponse(0, 'success', 0)).toBe(d.recordResponse(1, 'error5xx', 0));
  });
});

describe('max ejection percent', () => {
  it('checks 100·(active + 1)/hosts against the cap, over all hosts', () => {
    const d = detector(20); // 10 % of 20 = 2
    expect(repeat(d, 0, 'error5xx', 5, 0)[0]!.kind).toBe('eject');
    expect(repeat(d, 1, 'error5xx', 5, 0)[0]!.kind).toBe('eject');
    expect(repeat(d, 2, 'error5xx', 5, 0)).toEqual([{ time: 0, host: 2, kind: 'overflow', reason: 'consecutive_5xx' }]);
    expect(d.activeEjections).toBe(2);
    expect(d.stats.ejectionsOverflow).toBe(1);
    expect(d.stats.detected.consecutive_5xx).toBe(3);
    expect(d.consecutive5xx(2)).toBe(0); // reset after the (refused) attempt
  });

  it('ejects nothing in a cluster below 10 hosts with the defaults', () => {
    const d = detector(9);
    expect(repeat(d, 0, 'error5xx', 5, 0)).toEqual([{ time: 0, host: 0, kind: 'overflow', reason: 'consecutive_5xx' }]);
  });

  it('alwaysEjectOneHost lets the first ejection through, and only the first', () => {
    const d = detector(5, { alwaysEjectOneHost: true });
    expect(repeat(d, 0, 'error5xx', 5, 0)[0]!.kind).toBe('eject');
    expect(repeat(d, 1, 'error5xx', 5, 0)[0]!.kind).toBe('overflow');
  });

  it('checks the cap before the enforcement draw: an overflow draws nothing', () => {
    const d = detector(5, { enforcingConsecutive5xx: 50 }, NO_RANDOM);
    expect(repeat(d, 0, 'error5xx', 5, 0)[0]!.kind).toBe('overflow');
  });
});

describe('ejection time', () => {
  /** Ejects host 0 again right after each uneject, so the backoff never decays. */
  function successiveDurations(partial: Partial<OutlierDetectorConfig>, count: number): number[] {
    const d = detector(10, partial);
    const interval = d.config.interval;
    const durations: number[] = [];
    let now = 0;
    for (let k = 0; k < count; k++) {
      repeat(d, 0, 'error5xx', 5, now);
      durations.push(d.unejectDueTime(0) - d.lastEjectionTime(0));
      const start = now;
      do {
        now += interval;
        d.sweep(now);
      } while (d.isEjected(0));
      expect(now - start).toBeGreaterThanOrEqual(durations[k]!);
      expect(now - start).toBeLessThan(durations[k]! + interval);
    }
    return durations;
  }

  it('is 30, 60, …, 270, 300, 300 s with the defaults, the backoff saturating at 11', () => {
    const durations = successiveDurations({}, 13);
    expect(durations.map((ms) => ms / 1000)).toEqual([30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300, 300]);
  });

  it('saturates the backoff at ⌈max/base⌉ + 1', () => {
    const d = detector(10);
    let now = 0;
    for (let k = 0; k < 15; k++) {
      repeat(d, 0, 'error5xx', 5, now);
      while (d.isEjected(0)) d.sweep((now += 10_000));
    }
    expect(d.backoff(0)).toBe(11);
    expect(d.ejectionCount(0)).toBe(15);
  });

  it('is rounded up to the next sweep', () => {
    const d = detector(10);
    repeat(d, 0, 'error5xx', 5, 4_000); // due at 34 s
    for (const t of [10_000, 20_000, 30_000]) expect(d.sweep(t)).toEqual([]);
    expect(d.sweep(40_000)).toEqual([{ time: 40_000, host: 0, kind: 'uneject', reason: 'timer' }]);
  });

  it('adds a whole-millisecond jitter drawn as rand % (maxJitter + 1)', () => {
    const d = detector(10, { maxEjectionTimeJitter: 1_000 }, new ScriptedRandom([0.5]));
    repeat(d, 0, 'error5xx', 5, 0);
    expect(d.unejectDueTime(0)).toBe(30_000 + 500); // floor(0.5 · 1001)
    d.sweep(10_000);
    d.sweep(20_000);
    expect(d.sweep(30_000)).toEqual([]);
    expect(d.sweep(40_000)).toHaveLength(1);
  });

  it('decays the backoff by one per sweep once the host has been back for an interval', () => {
    const d = detector(10);
    let now = 0;
    for (let k = 0; k < 3; k++) {
      repeat(d, 0, 'error5xx', 5, now);
      while (d.isEjected(0)) d.sweep((now += 10_000));
    }
    expect(d.backoff(0)).toBe(3); // unejected just now: no decay in that sweep
    d.sweep((now += 10_000));
    expect(d.backoff(0)).toBe(2);
    d.sweep((now += 10_000));
    d.sweep((now += 10_000));
    d.sweep((now += 10_000));
    expect(d.backoff(0)).toBe(0);
    repeat(d, 0, 'error5xx', 5, now);
    expect(d.unejectDueTime(0) - now).toBe(30_000);
  });

  it('re-ejects at the unejecting sweep a host that kept failing while ejected (panic traffic)', () => {
    // The sweep unejects first and then evaluates the last interval, which the host spent
    // ejected; its failures during the ejection count, so it goes straight back out, longer.
    const d = detector(5, { enforcingFailurePercentage: 100, maxEjectionPercent: 100, consecutive5xx: 1_000_000 });
    const events: OutlierEvent[] = [];
    for (let sweep = 1; sweep <= 10; sweep++) {
      for (let host = 0; host < 5; host++) traffic(d, host, host === 0 ? 0 : 60, 60, (sweep - 1) * 10_000 + 1);
      events.push(...d.sweep(sweep * 10_000));
    }
    expect(events.map((e) => `${e.time / 1000}:${e.kind}`)).toEqual(['10:eject', '40:uneject', '40:eject', '100:uneject', '100:eject']);
    expect(d.unejectDueTime(0) - d.lastEjectionTime(0)).toBe(90_000);
  });
});

describe('success rate', () => {
  const srConfig = { maxEjectionPercent: 100, consecutive5xx: 1_000_000 };

  it("follows the code's worked example: rates {50, 100, 100, 100, 100} give mean 90, threshold 52", () => {
    const d = detector(5, srConfig);
    traffic(d, 0, 50, 100, 1_000);
    for (let host = 1; host < 5; host++) traffic(d, host, 100, 100, 1_000);
    expect(d.sweep(10_000)).toEqual([{ time: 10_000, host: 0, kind: 'eject', reason: 'success_rate' }]);
    expect(d.successRateAverage).toBe(90);
    expect(d.successRateEjectionThreshold).toBeCloseTo(52, 12);
    expect(d.successRate(0)).toBe(50);
    expect(d.stats.enforced.success_rate).toBe(1);
  });

  it('uses the interval that just ended only', () => {
    const d = detector(5, { ...srConfig, enforcingSuccessRate: 0 });
    traffic(d, 0, 50, 100, 1_000);
    for (let host = 1; host < 5; host++) traffic(d, host, 100, 100, 1_000);
    expect(d.sweep(10_000).map((e) => e.kind)).toEqual(['detected_not_enforced']);
    expect(d.sweep(20_000)).toEqual([]); // nothing arrived in [10 s, 20 s)
    expect(d.successRate(0)).toBeNaN();
    expect(d.successRateAverage).toBeNaN();
  });

  it('with four perfect hosts, ejects a fifth at any lower rate (threshold 100 − 0.96·deficit)', () => {
    for (const [rate, threshold] of [
      [53, 54.88],
      [60, 61.6],
      [75, 76],
      [99, 99.04],
    ] as const) {
      const d = detector(5, srConfig);
      traffic(d, 0, rate, 100, 0);
      for (let host = 1; host < 5; host++) traffic(d, host, 100, 100, 0);
      expect(d.sweep(10_000).map((e) => e.host)).toEqual([0]);
      expect(d.successRateEjectionThreshold).toBeCloseTo(threshold, 9);
    }
  });

  it('keeps hosts at or above mean − 1.9·σ: rates {90, 95, 100, 100, 100} give threshold 89.4', () => {
    const d = detector(5, srConfig);
    [90, 95, 100, 100, 100].forEach((rate, host) => traffic(d, host, rate, 100, 0));
    expect(d.sweep(10_000)).toEqual([]);
    expect(d.successRateAverage).toBe(97);
    expect(d.successRateEjectionThreshold).toBeCloseTo(89.4, 9);
  });

  it('needs successRateMinimumHosts hosts with successRateRequestVolume requests each', () => {
    const d = detector(5, srConfig);
    traffic(d, 0, 50, 100, 0);
    for (let host = 1; host < 4; host++) traffic(d, host, 100, 100, 0);
    traffic(d, 4, 99, 99, 0); // one request short
    expect(d.sweep(10_000)).toEqual([]);
    expect(d.successRateAverage).toBeNaN();
  });

  it('leaves ejected hosts out of the statistics', () => {
    const d = detector(6, srConfig);
    repeat(d, 5, 'error5xx', 3, 0);
    d.ejectHost(5, 'consecutive_5xx', 0);
    traffic(d, 0, 50, 100, 0);
    for (let host = 1; host < 5; host++) traffic(d, host, 100, 100, 0);
    traffic(d, 5, 0, 100, 0); // panic traffic to the ejected host
    d.sweep(10_000);
    expect(d.successRateAverage).toBe(90);
  });

  it('ejects nobody when every host has the same rate (σ = 0)', () => {
    const d = detector(8, srConfig);
    for (let host = 0; host < 8; host++) traffic(d, host, 37, 100, 0);
    expect(d.sweep(10_000)).toEqual([]);
    expect(d.successRateEjectionThreshold).toBe(37);
  });
});

describe('failure percentage', () => {
  const fpConfig = { maxEjectionPercent: 100, consecutive5xx: 1_000_000, enforcingFailurePercentage: 100, enforcingSuccessRate: 0 };

  it('ejects hosts failing at least 85 % with 50 requests', () => {
    const d = detector(5, fpConfig);
    traffic(d, 0, 7, 50, 0); // 86 % failures
    traffic(d, 1, 8, 50, 0); // 84 %
    for (let host = 2; host < 5; host++) traffic(d, host, 50, 50, 0);
    const events = d.sweep(10_000);
    expect(events.filter((e) => e.kind === 'eject')).toEqual([
      { time: 10_000, host: 0, kind: 'eject', reason: 'failure_percentage' },
    ]);
  });

  it('is off by default (enforcing 0): detected and logged only', () => {
    const d = detector(5, { maxEjectionPercent: 100, consecutive5xx: 1_000_000, enforcingSuccessRate: 0 });
    traffic(d, 0, 0, 50, 0);
    for (let host = 1; host < 5; host++) traffic(d, host, 50, 50, 0);
    expect(d.sweep(10_000)).toEqual([{ time: 10_000, host: 0, kind: 'detected_not_enforced', reason: 'failure_percentage' }]);
    expect(d.isEjected(0)).toBe(false);
  });

  it('skips a host that success rate ejected in the same sweep', () => {
    const d = detector(5, { ...fpConfig, enforcingSuccessRate: 100, successRateRequestVolume: 50 });
    traffic(d, 0, 0, 50, 0);
    for (let host = 1; host < 5; host++) traffic(d, host, 50, 50, 0);
    expect(d.sweep(10_000)).toEqual([{ time: 10_000, host: 0, kind: 'eject', reason: 'success_rate' }]);
    expect(d.activeEjections).toBe(1);
  });
});

describe('active health check uneject', () => {
  it('unejects at once on a healthy check and clears the counters, leaving the backoff', () => {
    const d = detector(10);
    repeat(d, 0, 'error5xx', 5, 0);
    repeat(d, 0, 'error5xx', 3, 10);
    expect(d.onActiveHealthCheckSuccess(0, 1_500)).toEqual([{ time: 1_500, host: 0, kind: 'uneject', reason: 'active_hc' }]);
    expect(d.isEjected(0)).toBe(false);
    expect(d.consecutive5xx(0)).toBe(0);
    expect(d.backoff(0)).toBe(1);
    expect(d.activeEjections).toBe(0);
  });

  it('does nothing while active HC marks the host failed, when disabled, or for a host not ejected', () => {
    const d = detector(10);
    repeat(d, 0, 'error5xx', 5, 0);
    expect(d.onActiveHealthCheckSuccess(0, 1, true)).toEqual([]);
    expect(d.onActiveHealthCheckSuccess(1, 1)).toEqual([]);
    expect(d.isEjected(0)).toBe(true);
    const off = detector(10, { successfulActiveHealthCheckUnejectHost: false });
    repeat(off, 0, 'error5xx', 5, 0);
    expect(off.onActiveHealthCheckSuccess(0, 1)).toEqual([]);
  });

  it('refuses to eject an ejected host twice', () => {
    const d = detector(10);
    d.ejectHost(0, 'success_rate', 0);
    expect(() => d.ejectHost(0, 'success_rate', 0)).toThrow(/already ejected/);
  });
});

// ---------------------------------------------------------------------------------------
// Guarantees (c)1–4 and 7 over random configurations and traffic.

const outcomeArb = fc.oneof(
  { arbitrary: fc.constant<OutlierOutcome>('success'), weight: 3 },
  { arbitrary: fc.constant<OutlierOutcome>('error5xx'), weight: 2 },
  { arbitrary: fc.constant<OutlierOutcome>('gateway'), weight: 1 },
  { arbitrary: fc.constant<OutlierOutcome>('local'), weight: 1 },
);

const configArb: fc.Arbitrary<ConfigDraw> = fc.record({
  consecutive5xx: fc.integer({ min: 1, max: 6 }),
  enforcingConsecutive5xx: fc.constantFrom(0, 50, 100),
  consecutiveGatewayFailure: fc.integer({ min: 1, max: 6 }),
  enforcingConsecutiveGatewayFailure: fc.constantFrom(0, 50, 100),
  interval: fc.integer({ min: 100, max: 20_000 }),
  baseEjectionTime: fc.integer({ min: 50, max: 40_000 }),
  maxFactor: fc.integer({ min: 1, max: 15 }),
  maxEjectionTimeJitter: fc.constantFrom(0, 0, 1, 250, 5_000),
  maxEjectionPercent: fc.integer({ min: 0, max: 100 }),
  alwaysEjectOneHost: fc.boolean(),
  enforcingSuccessRate: fc.constantFrom(0, 50, 100),
  successRateMinimumHosts: fc.integer({ min: 0, max: 8 }),
  successRateRequestVolume: fc.integer({ min: 0, max: 20 }),
  successRateStdevFactor: fc.integer({ min: 0, max: 3_000 }),
  failurePercentageThreshold: fc.integer({ min: 0, max: 100 }),
  enforcingFailurePercentage: fc.constantFrom(0, 50, 100),
  failurePercentageMinimumHosts: fc.integer({ min: 0, max: 8 }),
  failurePercentageRequestVolume: fc.integer({ min: 0, max: 20 }),
});

type ConfigDraw = Omit<OutlierDetectorConfig, 'maxEjectionTime' | 'successfulActiveHealthCheckUnejectHost'> & { maxFactor: number };

type Op = { kind: 'response'; dt: number; host: number; outcome: OutlierOutcome } | { kind: 'hc'; dt: number; host: number };

interface Scenario {
  hosts: number;
  config: ConfigDraw;
  ops: Op[];
  seed: number;
}

function opsArb(hosts: number): fc.Arbitrary<Op[]> {
  // Most traffic goes to a few hosts so that errors come in streaks.
  const hostArb = fc.oneof(fc.integer({ min: 0, max: Math.min(2, hosts - 1) }), fc.integer({ min: 0, max: hosts - 1 }));
  const dt = fc.integer({ min: 0, max: 400 });
  const response = fc.record({ kind: fc.constant('response' as const), dt, host: hostArb, outcome: outcomeArb });
  const hc = fc.record({ kind: fc.constant('hc' as const), dt, host: hostArb });
  return fc.array(fc.oneof({ arbitrary: response, weight: 20 }, { arbitrary: hc, weight: 1 }), { minLength: 100, maxLength: 400 });
}

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .integer({ min: 2, max: 50 })
  .chain((hosts) => fc.record({ hosts: fc.constant(hosts), config: configArb, ops: opsArb(hosts), seed: randomSeed }));

/** A cheap assertion for observers called thousands of times per property run (`expect` is slow). */
function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

/** Called after every call into the detector; `op` is null for a sweep. */
type Observer = (d: OutlierDetector, events: readonly OutlierEvent[], now: number, op: Op | null) => void;

/** Drives the detector as the simulator does: a sweep at every multiple of the interval. */
function run(scenario: Scenario, observe: Observer, overrides: Partial<OutlierDetectorConfig> = {}): OutlierDetector {
  const { maxFactor, ...rest } = scenario.config;
  const config = resolveOutlierDetectorConfig({ ...rest, maxEjectionTime: rest.baseEjectionTime * maxFactor, ...overrides });
  const d = new OutlierDetector(config, scenario.hosts, sourceOf(scenario.seed));
  let now = 0;
  let nextSweep = config.interval;
  for (const op of scenario.ops) {
    now += op.dt;
    while (nextSweep <= now) {
      observe(d, d.sweep(nextSweep), nextSweep, null);
      nextSweep += config.interval;
    }
    const events = op.kind === 'response' ? d.recordResponse(op.host, op.outcome, now) : d.onActiveHealthCheckSuccess(op.host, now);
    observe(d, events, now, op);
  }
  for (let i = 0; i < 15; i++) {
    observe(d, d.sweep(nextSweep), nextSweep, null); // let every ejection run out
    nextSweep += config.interval;
  }
  return d;
}

describe('outlier detection guarantees (properties)', () => {
  it('(c)1 active ejections never exceed max(⌊N·pct/100⌋, alwaysEjectOneHost ? 1 : 0)', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const { hosts, config } = scenario;
        const cap = Math.max(Math.floor((hosts * config.maxEjectionPercent) / 100), config.alwaysEjectOneHost ? 1 : 0);
        let ejected = 0;
        run(scenario, (d, events) => {
          for (const e of events) ejected += e.kind === 'eject' ? 1 : e.kind === 'uneject' ? -1 : 0;
          check(d.activeEjections === ejected, () => `activeEjections ${d.activeEjections}, events say ${ejected}`);
          check(ejected <= cap, () => `${ejected} ejections over the cap ${cap}`);
        });
      }),
    );
  });

  it('(c)2 an ejection lasts min(base·backoff, max) + jitter rounded up to a sweep, never more than max + maxJitter + interval', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const due = new Map<number, number>();
        const began = new Map<number, number>();
        run(scenario, (d, events) => {
          const { baseEjectionTime, maxEjectionTime, maxEjectionTimeJitter, interval } = d.config;
          for (const e of events) {
            if (e.kind === 'eject') {
              const jitter = d.unejectDueTime(e.host) - e.time - Math.min(baseEjectionTime * d.backoff(e.host), maxEjectionTime);
              expect(Number.isInteger(jitter) && jitter >= 0 && jitter <= maxEjectionTimeJitter).toBe(true);
              due.set(e.host, d.unejectDueTime(e.host));
              began.set(e.host, e.time);
            } else if (e.kind === 'uneject') {
              if (e.reason === 'timer') expect(e.time).toBeGreaterThanOrEqual(due.get(e.host)!);
              expect(e.time).toBeLessThan(due.get(e.host)! + interval);
              expect(e.time - began.get(e.host)!).toBeLessThanOrEqual(maxEjectionTime + maxEjectionTimeJitter + interval);
            }
          }
        });
      }),
    );
  });

  it('(c)3 the backoff stays in [0, ⌈max/base⌉ + 1], grows by one per ejection, decays by one per sweep an interval after the uneject', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        let previous = new Array<number>(scenario.hosts).fill(0);
        run(scenario, (d, events, now, op) => {
          const { baseEjectionTime, maxEjectionTime, interval } = d.config;
          const top = Math.ceil(maxEjectionTime / baseEjectionTime) + 1;
          for (let h = 0; h < d.hostCount; h++) {
            const level = d.backoff(h);
            const change = level - previous[h]!;
            const where = () => `host ${h} at ${now}: backoff ${previous[h]} → ${level}`;
            check(level >= 0 && level <= top, () => `${where()} outside [0, ${top}]`);
            if (events.some((e) => e.kind === 'eject' && e.host === h)) {
              const saturated = previous[h]! * baseEjectionTime >= maxEjectionTime + baseEjectionTime;
              check(change === (saturated ? 0 : 1), () => `${where()} at an ejection`);
            } else if (change !== 0) {
              check(op === null && change === -1, () => `${where()} outside a sweep, or by more than one`);
              check(!d.isEjected(h) && now - d.lastUnejectionTime(h) >= interval, () => `${where()}: decayed too early`);
            }
            previous[h] = level;
          }
        });
      }),
    );
  });

  it('(c)4 a host not ejected is ejected at the response that brings its consecutive 5xx to the threshold', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        // Enforcement and cap out of the way, so every consecutive-5xx attempt must eject.
        const overrides = { enforcingConsecutive5xx: 100, maxEjectionPercent: 100 };
        const streak = new Array<number>(scenario.hosts).fill(0);
        run(
          scenario,
          (d, events, _now, op) => {
            if (op?.kind === 'response') {
              const host = op.host;
              const gatewayEjected = events.some((e) => e.kind === 'eject' && e.reason === 'consecutive_gateway_failure');
              const attempt = events.find((e) => e.reason === 'consecutive_5xx');
              if (op.outcome === 'success') {
                streak[host] = 0;
              } else {
                streak[host]!++;
                const ejectedBefore = d.isEjected(host) && !gatewayEjected && attempt === undefined;
                const expected = streak[host] === d.config.consecutive5xx && !ejectedBefore && !gatewayEjected;
                expect(attempt !== undefined).toBe(expected);
                if (attempt !== undefined) {
                  expect(attempt).toEqual({ time: _now, host, kind: 'eject', reason: 'consecutive_5xx' });
                  streak[host] = 0;
                }
              }
            }
            for (const e of events) if (e.kind === 'uneject') streak[e.host] = 0;
          },
          overrides,
        );
      }),
    );
  });

  it('(c)7 success rate ejects only hosts below mean − factor·σ, with enough hosts of enough volume', () => {
    const rateArb = fc.record({
      hosts: fc.integer({ min: 2, max: 30 }),
      volumes: fc.array(fc.integer({ min: 0, max: 150 }), { minLength: 30, maxLength: 30 }),
      rates: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 30, maxLength: 30 }),
      minimumHosts: fc.integer({ min: 0, max: 10 }),
      volume: fc.integer({ min: 0, max: 120 }),
      factor: fc.integer({ min: 0, max: 3_000 }),
      uniform: fc.boolean(),
    });
    fc.assert(
      fc.property(rateArb, (s) => {
        const d = detector(s.hosts, {
          successRateMinimumHosts: s.minimumHosts,
          successRateRequestVolume: s.volume,
          successRateStdevFactor: s.factor,
          maxEjectionPercent: 100,
          enforcingFailurePercentage: 0,
          consecutive5xx: 1_000_000,
          consecutiveGatewayFailure: 1_000_000,
        });
        const successes: number[] = [];
        for (let h = 0; h < s.hosts; h++) {
          const volume = s.volumes[h]!;
          // uniform: every host at the same rate (σ = 0), so nobody may be ejected
          const ok = s.uniform ? volume : Math.floor((volume * s.rates[h]!) / 1000);
          successes.push(ok);
          traffic(d, h, ok, volume, 0);
        }
        const events = d.sweep(d.config.interval).filter((e) => e.reason === 'success_rate');
        if (s.uniform) expect(events).toEqual([]);
        const valid = successes.flatMap((ok, h) => (s.volumes[h]! >= s.volume && s.volumes[h]! > 0 ? [(ok * 100) / s.volumes[h]!] : []));
        if (events.length === 0) return;
        expect(valid.length).toBeGreaterThanOrEqual(Math.max(1, s.minimumHosts));
        const mean = valid.reduce((a, b) => a + b, 0) / valid.length;
        const sigma = Math.sqrt(valid.reduce((a, r) => a + (r - mean) ** 2, 0) / valid.length);
        expect(sigma).toBeGreaterThan(0);
        for (const e of events) {
          expect(s.volumes[e.host]).toBeGreaterThanOrEqual(Math.max(1, s.volume));
          expect((successes[e.host]! * 100) / s.volumes[e.host]!).toBeLessThan(mean - (s.factor / 1000) * sigma + 1e-9);
        }
      }),
    );
  });
});
