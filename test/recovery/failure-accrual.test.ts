import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ConsecutiveFailureAccrual,
  DEFAULT_FAILURE_ACCRUAL_CONFIG,
  penaltyBase,
  penaltyJitter,
  resolveFailureAccrualConfig,
  type FailureAccrualConfig,
} from '../../src/recovery/failure-accrual.js';
import { ALMOST_ONE, NO_RANDOM, constantRandom, randomSeed, sourceOf } from '../detect/_harness.js';

function accrual(partial: Partial<FailureAccrualConfig> = {}, random = NO_RANDOM): ConsecutiveFailureAccrual {
  return new ConsecutiveFailureAccrual(resolveFailureAccrualConfig(partial), random);
}

/** Trips the breaker at `now` with maxFailures failures. */
function trip(a: ConsecutiveFailureAccrual, now: number): void {
  for (let i = 0; i < a.config.maxFailures; i++) a.onResponse(false, now);
}

describe('failure accrual config', () => {
  it("has Linkerd's annotation defaults", () => {
    expect(resolveFailureAccrualConfig()).toEqual({ maxFailures: 7, minPenalty: 1_000, maxPenalty: 60_000, jitterRatio: 0.5 });
    expect(Object.isFrozen(DEFAULT_FAILURE_ACCRUAL_CONFIG)).toBe(true);
  });

  it.each([
    [{ maxFailures: 0 }, /maxFailures/],
    [{ minPenalty: 0 }, /minPenalty/],
    [{ minPenalty: 5_000, maxPenalty: 1_000 }, /maxPenalty \(1000\) must not be less than minPenalty \(5000\)/],
    [{ jitterRatio: 101 }, /jitterRatio/],
    [{ jitterRatio: -0.1 }, /jitterRatio/],
  ] as const)('rejects %o', (partial, message) => {
    expect(() => resolveFailureAccrualConfig(partial as Partial<FailureAccrualConfig>)).toThrow(message);
  });
});

describe('consecutive failure accrual', () => {
  it('becomes unavailable exactly at the 7th consecutive failure; a success clears the streak', () => {
    const a = accrual({ jitterRatio: 0 });
    for (let i = 0; i < 6; i++) expect(a.onResponse(false, 0)).toBe('none');
    expect(a.onResponse(true, 0)).toBe('none');
    expect(a.consecutiveFailures).toBe(0);
    for (let i = 0; i < 6; i++) a.onResponse(false, 10);
    expect(a.state).toBe('available');
    expect(a.onResponse(false, 10)).toBe('tripped');
    expect(a.state).toBe('unavailable');
    expect(a.nextChangeAt).toBe(1_010);
    expect(a.tryAdmit(500)).toBe(false);
  });

  it("follows linkerd's transitions test: shut, probation with one permit, longer shut, stragglers ignored, reopen", () => {
    // consecutive_failures.rs `transitions`: max 2, backoff 1 s → 100 s, no jitter.
    const a = accrual({ maxFailures: 2, minPenalty: 1_000, maxPenalty: 100_000, jitterRatio: 0 });
    expect(a.onResponse(false, 0)).toBe('none');
    expect(a.onResponse(false, 0)).toBe('tripped');
    expect(a.advance(500)).toBe(false);
    expect(a.state).toBe('unavailable');
    expect(a.tryAdmit(1_000)).toBe(true); // probation: one permit
    expect(a.state).toBe('probation');
    expect(a.tryAdmit(1_000)).toBe(false);
    expect(a.onResponse(false, 1_000)).toBe('probe_failed');
    expect(a.nextChangeAt).toBe(3_000); // 2 s now
    expect(a.onResponse(true, 2_000)).toBe('none'); // a straggler while shut is ignored
    expect(a.state).toBe('unavailable');
    expect(a.tryAdmit(3_000)).toBe(true);
    expect(a.onResponse(true, 3_100)).toBe('recovered');
    expect(a.state).toBe('available');
    expect(a.consecutiveFailures).toBe(0);
    expect(a.nextChangeAt).toBe(Infinity);
    expect(a.probes).toBe(2);
  });

  it('lets the first response after probation starts decide, probe or not', () => {
    const a = accrual({ jitterRatio: 0 });
    trip(a, 0);
    expect(a.onResponse(true, 1_000)).toBe('recovered'); // a late response to an earlier request
  });

  it('doubles the wait after each failed probe up to maxPenalty, and starts again at minPenalty after a recovery', () => {
    const a = accrual({ jitterRatio: 0 });
    trip(a, 0);
    const waits: number[] = [];
    let now = 0;
    for (let k = 0; k < 9; k++) {
      waits.push(a.nextChangeAt - now);
      now = a.nextChangeAt;
      expect(a.tryAdmit(now)).toBe(true);
      a.onResponse(false, now);
    }
    expect(waits.map((ms) => ms / 1000)).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
    now = a.nextChangeAt;
    a.tryAdmit(now);
    a.onResponse(true, now);
    trip(a, now);
    expect(a.nextChangeAt - now).toBe(1_000);
  });

  it("drops the fractional seconds of the jitter, as linkerd's ExponentialBackoff does", () => {
    const config = resolveFailureAccrualConfig();
    expect(penaltyJitter(config, 1_000, ALMOST_ONE)).toBe(0); // ⌊1·0.49…⌋ s
    expect(penaltyJitter(config, 2_000, ALMOST_ONE)).toBe(0);
    expect(penaltyJitter(config, 4_000, ALMOST_ONE)).toBe(1_000);
    expect(penaltyJitter(config, 32_000, ALMOST_ONE)).toBe(15_000);
    expect(penaltyJitter(config, 60_000, ALMOST_ONE)).toBe(0); // capped at max − base
    expect(penaltyJitter(config, 1_500, ALMOST_ONE)).toBe(249.999999); // 0 s + ⌊5e8 · 0.49…⌋ ns = 249 999 999 ns
    expect(penaltyJitter({ ...config, jitterRatio: 3 }, 40_000, 0.5)).toBe(20_000); // min(60 s, max − base)
  });

  it('gives the default waits 1, 2, 4–5, 8–11, 16–23, 32–47, 60 s', () => {
    const top = accrual({}, constantRandom(ALMOST_ONE));
    trip(top, 0);
    const waits: number[] = [];
    let now = 0;
    for (let k = 0; k < 7; k++) {
      waits.push(top.nextChangeAt - now);
      now = top.nextChangeAt;
      top.tryAdmit(now);
      top.onResponse(false, now);
    }
    expect(waits.map((ms) => ms / 1000)).toEqual([1, 2, 5, 11, 23, 47, 60]);
  });

  it('draws nothing without jitter', () => {
    const a = accrual({ jitterRatio: 0 }, NO_RANDOM);
    trip(a, 0);
    expect(a.nextChangeAt).toBe(1_000);
  });

  it('refuses time going backwards', () => {
    const a = accrual({ jitterRatio: 0 });
    a.onResponse(true, 10);
    expect(() => a.tryAdmit(5)).toThrow(/time went backwards/);
  });
});

describe('failure accrual guarantees (properties)', () => {
  type Op = { dt: number; kind: 'admit' } | { dt: number; kind: 'response'; success: boolean };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ dt: fc.integer({ min: 0, max: 3_000 }), kind: fc.constant('admit' as const) }),
    fc.record({ dt: fc.integer({ min: 0, max: 3_000 }), kind: fc.constant('response' as const), success: fc.boolean() }),
    fc.record({ dt: fc.constant(0), kind: fc.constant('response' as const), success: fc.constant(false) }),
  );
  const configArb = fc.record({
    maxFailures: fc.integer({ min: 1, max: 8 }),
    minPenalty: fc.integer({ min: 1, max: 10_000 }),
    maxFactor: fc.integer({ min: 1, max: 100 }),
    jitterRatio: fc.constantFrom(0, 0.5, 1, 2.5),
  });

  it('(c)18 unavailable exactly when the streak reaches maxFailures; one probe per probation; waits in [base_k, min(base_k·(1 + ratio), max)]', () => {
    fc.assert(
      fc.property(configArb, randomSeed, fc.array(opArb, { minLength: 1, maxLength: 300 }), (draw, seed, ops) => {
        const config = resolveFailureAccrualConfig({
          maxFailures: draw.maxFailures,
          minPenalty: draw.minPenalty,
          maxPenalty: draw.minPenalty * draw.maxFactor,
          jitterRatio: draw.jitterRatio,
        });
        const a = new ConsecutiveFailureAccrual(config, sourceOf(seed));
        let now = 0;
        let streak = 0; // the model's failure streak while available
        let periods = 0; // unavailable periods begun (trips and failed probes)
        let probedPeriod = -1; // the period whose probation admitted a probe
        let level = 0; // back-off iteration of the current period
        for (const op of ops) {
          now += op.dt;
          if (op.kind === 'admit') {
            const admitted = a.tryAdmit(now);
            if (a.state === 'available') expect(admitted).toBe(true);
            else if (a.state === 'unavailable') expect(admitted).toBe(false);
            else if (admitted) {
              expect(probedPeriod).not.toBe(periods); // one probe per probation
              probedPeriod = periods;
            }
            continue;
          }
          a.advance(now);
          const wasAvailable = a.state === 'available';
          if (wasAvailable) streak = op.success ? 0 : streak + 1;
          const event = a.onResponse(op.success, now);
          expect(event === 'tripped').toBe(wasAvailable && streak === config.maxFailures);
          if (event === 'tripped' || event === 'probe_failed') {
            periods++;
            level = event === 'tripped' ? 0 : level + 1;
            const wait = a.nextChangeAt - now;
            const base = penaltyBase(config, level);
            expect(wait).toBeGreaterThanOrEqual(Math.max(base, config.minPenalty));
            expect(wait).toBeLessThanOrEqual(Math.min(base * (1 + config.jitterRatio), config.maxPenalty) + 1e-9);
          }
          if (event !== 'none') streak = 0;
          expect(a.probes).toBeLessThanOrEqual(periods);
        }
      }),
    );
  });
});
