import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ActiveHealthCheck,
  DEFAULT_ACTIVE_HEALTH_CHECK_CONFIG,
  detectionBound,
  detectionBoundTight,
  intervalWithJitter,
  maxDelay,
  recoveryBound,
  recoveryBoundTight,
  resolveActiveHealthCheckConfig,
  type ActiveHealthCheckConfig,
  type HealthCheckResult,
} from '../../src/detect/active-health-check.js';
import type { RandomSource } from '../../src/engine/rng.js';
import { ALMOST_ONE, NO_RANDOM, ScriptedRandom, constantRandom, randomSeed, sourceOf } from './_harness.js';

function checker(partial: Partial<ActiveHealthCheckConfig> = {}): ActiveHealthCheck {
  return new ActiveHealthCheck(resolveActiveHealthCheckConfig(partial));
}

function feed(hc: ActiveHealthCheck, results: HealthCheckResult[]): string[] {
  return results.map((r) => hc.onResult(r));
}

describe('active health check config', () => {
  it('fills the edge intervals as Envoy derives them', () => {
    expect(resolveActiveHealthCheckConfig({ interval: 2_000 })).toEqual({
      ...DEFAULT_ACTIVE_HEALTH_CHECK_CONFIG,
      interval: 2_000,
      unhealthyInterval: 2_000,
      unhealthyEdgeInterval: 2_000,
      healthyEdgeInterval: 2_000,
    });
    const c = resolveActiveHealthCheckConfig({ interval: 2_000, unhealthyInterval: 7_000 });
    expect(c.unhealthyEdgeInterval).toBe(7_000);
    expect(c.healthyEdgeInterval).toBe(2_000);
  });

  it.each([
    [{ unhealthyThreshold: 0 }, /unhealthyThreshold must be an integer ≥ 1/],
    [{ healthyThreshold: 1.5 }, /healthyThreshold/],
    [{ interval: 0 }, /interval must be a finite number > 0/],
    [{ timeout: -1 }, /timeout/],
    [{ intervalJitter: -1 }, /intervalJitter must be a finite number ≥ 0/],
    [{ intervalJitterPercent: Number.NaN }, /intervalJitterPercent/],
    [{ healthyEdgeInterval: Infinity }, /healthyEdgeInterval/],
  ] as const)('rejects %o', (partial, message) => {
    expect(() => resolveActiveHealthCheckConfig(partial as Partial<ActiveHealthCheckConfig>)).toThrow(message);
  });

  it('allows a timeout longer than the interval: checks are sequential', () => {
    expect(resolveActiveHealthCheckConfig({ interval: 1_000, timeout: 5_000 }).timeout).toBe(5_000);
  });
});

describe('active health check state machine', () => {
  it('starts failed, and the very first success makes the host healthy whatever the threshold', () => {
    const hc = checker({ healthyThreshold: 5 });
    expect(hc.failed).toBe(true);
    expect(hc.firstCheck).toBe(true);
    expect(hc.onResult('success')).toBe('changed');
    expect(hc.failed).toBe(false);
    expect(hc.firstCheck).toBe(false);
  });

  it('after a failed first check needs healthyThreshold successes', () => {
    const hc = checker({ healthyThreshold: 3 });
    expect(feed(hc, ['timeout', 'success', 'success', 'success'])).toEqual(['unchanged', 'pending', 'pending', 'changed']);
    expect(hc.failed).toBe(false);
  });

  it('marks a healthy host unhealthy after unhealthyThreshold network failures or timeouts', () => {
    const hc = checker({ unhealthyThreshold: 3 });
    hc.onResult('success');
    expect(feed(hc, ['network', 'timeout', 'network'])).toEqual(['pending', 'pending', 'changed']);
    expect(hc.failed).toBe(true);
    expect(hc.onResult('timeout')).toBe('unchanged');
  });

  it('flips a healthy host at once on an unexpected status', () => {
    const hc = checker({ unhealthyThreshold: 5 });
    hc.onResult('success');
    expect(hc.onResult('bad_status')).toBe('changed');
    expect(hc.failed).toBe(true);
    expect(hc.consecutiveFailures).toBe(0); // the threshold counter was never involved
  });

  it('a success resets the failure count, a failure the success count (hysteresis)', () => {
    const hc = checker({ unhealthyThreshold: 2, healthyThreshold: 2 });
    hc.onResult('success');
    expect(feed(hc, ['timeout', 'success', 'timeout', 'success'])).toEqual(['pending', 'unchanged', 'pending', 'unchanged']);
    expect(hc.failed).toBe(false);
    feed(hc, ['timeout', 'timeout']);
    expect(feed(hc, ['success', 'network', 'success', 'success'])).toEqual(['pending', 'unchanged', 'pending', 'changed']);
  });

  it('sets timedOut on a timeout of a failed host, and clears it on any other result that leaves it failed or heals it', () => {
    const hc = checker({ unhealthyThreshold: 1, healthyThreshold: 2 });
    hc.onResult('success');
    hc.onResult('timeout');
    expect(hc.timedOut).toBe(true);
    hc.onResult('network');
    expect(hc.timedOut).toBe(false);
    hc.onResult('timeout');
    hc.onResult('success'); // pending: the flag stays
    expect(hc.timedOut).toBe(true);
    hc.onResult('success');
    expect(hc.timedOut).toBe(false);
    const pending = checker({ unhealthyThreshold: 2 });
    pending.onResult('success');
    pending.onResult('timeout'); // still healthy: no flag
    expect(pending.timedOut).toBe(false);
  });
});

describe('next check delay', () => {
  const config = {
    interval: 1_000,
    unhealthyInterval: 2_000,
    unhealthyEdgeInterval: 3_000,
    healthyEdgeInterval: 4_000,
    unhealthyThreshold: 2,
    healthyThreshold: 2,
  };

  it("picks the base from the result and its transition, as the code (not the proto's prose) does", () => {
    const hc = checker(config);
    const waits: number[] = [];
    for (const r of ['timeout', 'success', 'success', 'success', 'timeout', 'timeout', 'timeout', 'success', 'bad_status'] as const) {
      hc.onResult(r);
      waits.push(hc.nextDelay(NO_RANDOM));
    }
    expect(waits).toEqual([
      2_000, // failure, unchanged (failed from the start)
      4_000, // success, pending
      1_000, // success, changed
      1_000, // success, unchanged
      3_000, // failure, pending: the unhealthy EDGE interval, before the flip
      2_000, // failure, changed
      2_000, // failure, unchanged
      4_000, // success, pending
      2_000, // failure on a failed host: unchanged
    ]);
  });

  it('uses interval before any result', () => {
    expect(checker(config).nextDelay(NO_RANDOM)).toBe(1_000);
  });

  it('adds rand % ⌊base·pct/100⌋, then rand % intervalJitter, in that order', () => {
    const c = resolveActiveHealthCheckConfig({ interval: 1_000, intervalJitterPercent: 10, intervalJitter: 500 });
    const random = new ScriptedRandom([0.5, 0.25]);
    expect(intervalWithJitter(c, 1_000, random)).toBe(1_000 + 50 + 125);
    expect(random.used).toBe(2);
    expect(intervalWithJitter(c, 1_000, constantRandom(ALMOST_ONE))).toBe(1_000 + 99 + 499);
    expect(maxDelay(c, 1_000)).toBe(1_598);
  });

  it('draws nothing when a jitter modulus is 0, and floors the wait at 1 ms', () => {
    const c = resolveActiveHealthCheckConfig({ interval: 0.25, intervalJitterPercent: 10, intervalJitter: 0.5 });
    expect(intervalWithJitter(c, 0.25, NO_RANDOM)).toBe(1);
  });

  it('starts the first check at once, or after max(1, rand % initialJitter)', () => {
    expect(checker().firstDelay(NO_RANDOM)).toBe(0);
    expect(checker({ initialJitter: 1_000 }).firstDelay(constantRandom(0.5))).toBe(500);
    expect(checker({ initialJitter: 1_000 }).firstDelay(constantRandom(0))).toBe(1);
    expect(checker({ initialJitter: 0.5 }).firstDelay(NO_RANDOM)).toBe(1);
  });
});

describe('detection and recovery bounds', () => {
  it('computes (U + 1)·(τ + I*) for the CONTRACT example', () => {
    const c = resolveActiveHealthCheckConfig({ interval: 5_000, timeout: 1_000, intervalJitter: 500, unhealthyThreshold: 3, healthyThreshold: 2 });
    expect(detectionBound(c)).toBe(4 * (1_000 + 5_499));
    expect(detectionBoundTight(c)).toBe(3 * (1_000 + 5_499));
    expect(recoveryBound(c)).toBe(3 * (1_000 + 5_499));
    expect(recoveryBoundTight(c)).toBe(1_000 + 5_499 + 2 * 1_000 + 5_499);
  });

  it('takes the longest of interval and unhealthy edge interval for detection', () => {
    const c = resolveActiveHealthCheckConfig({ interval: 1_000, unhealthyEdgeInterval: 200, timeout: 100, unhealthyThreshold: 2 });
    expect(detectionBound(c)).toBe(3 * 1_100);
    const d = resolveActiveHealthCheckConfig({ interval: 1_000, unhealthyEdgeInterval: 3_000, timeout: 100, unhealthyThreshold: 2 });
    expect(detectionBound(d)).toBe(3 * 3_100);
  });
});

// ---------------------------------------------------------------------------------------
// Guarantees (c)8–10, driving one session the way the simulator does.

const configArb = fc
  .record({
    interval: fc.integer({ min: 1, max: 10_000 }),
    timeout: fc.integer({ min: 1, max: 5_000 }),
    unhealthyThreshold: fc.integer({ min: 1, max: 6 }),
    healthyThreshold: fc.integer({ min: 1, max: 6 }),
    initialJitter: fc.constantFrom(0, 0, 1, 700),
    intervalJitter: fc.constantFrom(0, 0, 1, 2, 300),
    intervalJitterPercent: fc.constantFrom(0, 0, 10, 50),
    unhealthyInterval: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
    unhealthyEdgeInterval: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
    healthyEdgeInterval: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
  })
  .map((draw) => {
    const partial: Partial<ActiveHealthCheckConfig> = {};
    for (const [key, value] of Object.entries(draw)) if (value !== undefined) (partial as Record<string, number>)[key] = value;
    return resolveActiveHealthCheckConfig(partial);
  });

/**
 * A host that is up, then down over [down, up), then up again. A check sent at s is answered
 * at s + r (r < τ) if the host is up over [s, s + r]; otherwise it fails: τ after it was sent
 * for a hang, at max(s, down) for a crash (connection refused or reset). Stops at the first
 * flip that `done` accepts, or at `until`.
 */
function simulate(
  config: ActiveHealthCheckConfig,
  random: RandomSource,
  r: number,
  down: number,
  up: number,
  hang: boolean,
  done: (time: number, failed: boolean) => boolean,
  until: number,
): number | undefined {
  const hc = new ActiveHealthCheck(config);
  let send = hc.firstDelay(random);
  while (send < until) {
    const healthy = send + r < down || send >= up;
    const end = healthy ? send + r : hang ? send + config.timeout : Math.max(send, down);
    if (hc.onResult(healthy ? 'success' : hang ? 'timeout' : 'network') === 'changed' && done(end, hc.failed)) return end;
    send = end + hc.nextDelay(random);
  }
  return undefined;
}

describe('the bounds are reached', () => {
  // Maximal jitter (the top of the random source) and responses just inside the timeout.
  const c = resolveActiveHealthCheckConfig({ interval: 1_000, timeout: 100, intervalJitter: 50, unhealthyThreshold: 3, healthyThreshold: 3 });
  const slowest = c.timeout - 1;

  it('detection: a hang right after a successful response is detected U·(τ + I*) later', () => {
    // First check at 0, answered at 99; the next at 99 + 1049, answered at 1247; the hang starts then.
    const down = 1_247.001;
    const detected = simulate(c, constantRandom(ALMOST_ONE), slowest, down, Infinity, true, (t, failed) => failed && t >= down, 1e6)!;
    expect(detected - down).toBeCloseTo(detectionBoundTight(c), 2);
    expect(detectionBoundTight(c)).toBe(3 * (100 + 1_049));
  });

  it('recovery: a repair just after a check went to the hung host takes (τ + I*) + H·τ + (H − 1)·Ihe* less H ms', () => {
    // Hung from the start: checks at 0, 1149, 2298 … time out. Repaired just after the one at 2298.
    const up = 2_298.001;
    const healed = simulate(c, constantRandom(ALMOST_ONE), slowest, 0, up, true, (t, failed) => !failed && t >= up, 1e6)!;
    expect(healed - up).toBeCloseTo(recoveryBoundTight(c) - c.healthyThreshold, 2);
    // The reference's (τ + Iu*) + (H − 1)·(τ + Ihe*) is exceeded.
    expect(healed - up).toBeGreaterThan(100 + 1_049 + 2 * (100 + 1_049));
  });
});

describe('active health check guarantees (properties)', () => {
  const scenario = fc.record({
    config: configArb,
    seed: randomSeed,
    // When the failure starts and how long it lasts, in check periods (τ + interval).
    downAfter: fc.double({ min: 0, max: 20, noNaN: true }),
    outage: fc.double({ min: 0, max: 20, noNaN: true }),
    hang: fc.boolean(),
    responseFraction: fc.double({ min: 0, max: 0.999, noNaN: true }),
  });
  const period = (c: ActiveHealthCheckConfig) => c.timeout + c.interval;

  it('(c)8 a host that fails is marked unhealthy within (U + 1)·(τ + I*), tightly (τ + I*) + U·τ + (U − 1)·I*', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = s.config;
        const r = Math.floor(s.responseFraction * c.timeout);
        // The first check (by max(1, initialJitter) + τ) has made the host healthy before it fails.
        const down = Math.max(1, c.initialJitter) + c.timeout + s.downAfter * period(c);
        const up = down + detectionBound(c) + 1;
        const detected = simulate(c, sourceOf(s.seed), r, down, up, s.hang, (t, failed) => failed && t >= down, up);
        expect(detected).toBeDefined();
        expect(detected! - down).toBeLessThanOrEqual(detectionBoundTight(c));
        expect(detectionBoundTight(c)).toBeLessThanOrEqual(detectionBound(c));
      }),
    );
  });

  it('(c)9 a failed host that heals is marked healthy within (H + 1)·(τ + I*), tightly (τ + I*) + H·τ + (H − 1)·Ihe*', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = s.config;
        const r = Math.floor(s.responseFraction * c.timeout);
        // Down from the start (a host starts failed) until after its first check, then healthy.
        const up = Math.max(1, c.initialJitter) + c.timeout + s.outage * period(c);
        const healed = simulate(c, sourceOf(s.seed), r, 0, up, s.hang, (t, failed) => !failed && t >= up, up + recoveryBound(c) + 1);
        expect(healed).toBeDefined();
        expect(healed! - up).toBeLessThanOrEqual(recoveryBoundTight(c));
        expect(recoveryBoundTight(c)).toBeLessThanOrEqual(recoveryBound(c));
      }),
    );
  });

  it('(c)10 flips only after U consecutive network failures (or a bad status), or H consecutive successes (or the first check)', () => {
    const resultArb = fc.constantFrom<HealthCheckResult>('success', 'success', 'timeout', 'network', 'bad_status');
    fc.assert(
      fc.property(configArb, fc.array(resultArb, { minLength: 1, maxLength: 200 }), (config, results) => {
        const hc = new ActiveHealthCheck(config);
        let runOk = 0;
        let runNetwork = 0;
        results.forEach((result, i) => {
          const wasFailed = hc.failed;
          runOk = result === 'success' ? runOk + 1 : 0;
          runNetwork = result === 'timeout' || result === 'network' ? runNetwork + 1 : 0;
          const transition = hc.onResult(result);
          expect(transition === 'changed').toBe(hc.failed !== wasFailed);
          if (transition !== 'changed') return;
          if (hc.failed) {
            expect(result === 'bad_status' || runNetwork >= config.unhealthyThreshold).toBe(true);
          } else {
            expect(i === 0 || runOk >= config.healthyThreshold).toBe(true);
          }
        });
      }),
    );
  });

  it('every wait is the base for (result, transition) plus at most the maximum jitter, and at least 1 ms', () => {
    fc.assert(
      fc.property(configArb, randomSeed, fc.array(fc.constantFrom<HealthCheckResult>('success', 'timeout', 'bad_status'), { maxLength: 50 }), (config, seed, results) => {
        const hc = new ActiveHealthCheck(config);
        const random = sourceOf(seed);
        for (const result of results) {
          hc.onResult(result);
          const base = hc.baseInterval();
          const wait = hc.nextDelay(random);
          expect(Number.isInteger(wait - base) || wait === 1).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(Math.max(1, base));
          expect(wait).toBeLessThanOrEqual(maxDelay(config, base));
        }
        const first = hc.firstDelay(random);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThanOrEqual(Math.max(1, config.initialJitter));
      }),
    );
  });
});
