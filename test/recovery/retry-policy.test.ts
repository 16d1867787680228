import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DEFAULT_RETRY_POLICY_CONFIG,
  RetryPolicy,
  resolveRetryPolicyConfig,
  type AttemptFailure,
  type RetryOn,
  type RetryPolicyConfig,
} from '../../src/recovery/retry-policy.js';
import { EnvoyRetryBudget, resolveEnvoyRetryBudgetConfig, type RetryAdmission } from '../../src/recovery/retry-budget.js';
import { ALMOST_ONE, constantRandom, randomSeed, sourceOf } from '../detect/_harness.js';

function policy(partial: Partial<RetryPolicyConfig> = {}): RetryPolicy {
  return new RetryPolicy(resolveRetryPolicyConfig(partial));
}

/** An admission that must not be consulted. */
const UNTOUCHED: RetryAdmission = {
  tryAcquire: () => {
    throw new Error('admission consulted');
  },
  release: () => {
    throw new Error('admission released');
  },
};

const ALL_FAILURES: AttemptFailure[] = ['error5xx', 'gateway', 'reset', 'connect_failure', 'refused_stream', 'per_try_timeout', 'overflow'];

describe('retry policy config', () => {
  it("has Envoy's defaults: one retry, 25 ms base, 10 × base cap, no per-try timeout", () => {
    expect(resolveRetryPolicyConfig()).toEqual({
      numRetries: 1,
      retryOn: ['5xx', 'reset', 'connect-failure'],
      perTryTimeout: 0,
      baseInterval: 25,
      maxInterval: 250,
      hostSelectionRetryMaxAttempts: 1,
      backoffFormula: 'envoy',
    });
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY_CONFIG)).toBe(true);
    expect(resolveRetryPolicyConfig({ baseInterval: 100 }).maxInterval).toBe(1_000);
  });

  it.each([
    [{ numRetries: -1 }, /numRetries/],
    [{ baseInterval: 0 }, /baseInterval/],
    [{ baseInterval: 100, maxInterval: 50 }, /maxInterval \(50\) must be at least baseInterval \(100\)/],
    [{ retryOn: ['5xx', 'retriable-4xx'] as unknown as RetryOn[] }, /unknown retryOn condition retriable-4xx/],
    [{ perTryTimeout: -1 }, /perTryTimeout/],
    [{ hostSelectionRetryMaxAttempts: 0.5 }, /hostSelectionRetryMaxAttempts/],
    [{ backoffFormula: 'linear' as unknown as 'envoy' }, /backoffFormula/],
  ] as const)('rejects %o', (partial, message) => {
    expect(() => resolveRetryPolicyConfig(partial as Partial<RetryPolicyConfig>)).toThrow(message);
  });
});

describe('retry conditions', () => {
  const table: Record<RetryOn, AttemptFailure[]> = {
    '5xx': ['error5xx', 'gateway', 'reset', 'connect_failure', 'refused_stream', 'per_try_timeout'],
    'gateway-error': ['gateway', 'reset', 'connect_failure', 'refused_stream', 'per_try_timeout'],
    reset: ['reset', 'connect_failure', 'refused_stream', 'per_try_timeout'],
    'connect-failure': ['connect_failure'],
    'refused-stream': ['refused_stream'],
    timeout: ['per_try_timeout'],
  };

  it.each(Object.entries(table))('retryOn [%s] retries exactly %o (Envoy counts every reset as a 5xx and a gateway error)', (token, retried) => {
    const p = policy({ retryOn: [token as RetryOn] });
    expect(ALL_FAILURES.filter((f) => p.retriable(f))).toEqual(retried);
  });

  it('never retries a local overflow, and retries nothing with an empty retryOn', () => {
    expect(policy({ retryOn: ['5xx', 'gateway-error', 'reset', 'connect-failure', 'refused-stream', 'timeout'] }).retriable('overflow')).toBe(false);
    expect(ALL_FAILURES.some((f) => policy({ retryOn: [] }).retriable(f))).toBe(false);
  });
});

describe('shouldRetry', () => {
  it("decides in Envoy's order: condition, then retries left, then the circuit breaker", () => {
    const p = policy({ numRetries: 2, retryOn: ['gateway-error'] });
    expect(p.shouldRetry('error5xx', 0, UNTOUCHED, 0, 0)).toBe('no_retry');
    expect(p.shouldRetry('gateway', 2, UNTOUCHED, 0, 0)).toBe('limit_exceeded');
    const breaker = new EnvoyRetryBudget(resolveEnvoyRetryBudgetConfig({ maxRetries: 1 }));
    expect(p.shouldRetry('gateway', 0, breaker, 0, 0)).toBe('retry');
    expect(p.shouldRetry('gateway', 1, breaker, 0, 0)).toBe('overflow');
    expect(breaker.overflows).toBe(1);
    breaker.release();
    expect(p.shouldRetry('gateway', 1, breaker, 0, 0)).toBe('retry');
  });
});

describe('back-off', () => {
  it('is uniform on [0, 25), [0, 50), [0, 100), [0, 200), then [0, 250) with the defaults (JitteredExponentialBackOffStrategy)', () => {
    const p = policy();
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => p.backoffCeiling(n))).toEqual([25, 50, 100, 200, 250, 250, 250]);
    expect([1, 2, 3, 4, 5].map((n) => p.backoff(n, constantRandom(ALMOST_ONE)))).toEqual([24, 49, 99, 199, 249]);
    expect(p.backoff(3, constantRandom(0))).toBe(0);
  });

  it("follows the router documentation's [0, (2^N − 1)·base) with backoffFormula 'documented'", () => {
    const p = policy({ backoffFormula: 'documented' });
    expect([1, 2, 3, 4, 5].map((n) => p.backoffCeiling(n))).toEqual([25, 75, 175, 250, 250]);
    expect([1, 2, 3].map((n) => p.backoff(n, constantRandom(ALMOST_ONE)))).toEqual([24, 74, 174]);
  });

  it('doubles while below ⌊max/2⌋, then jumps to max', () => {
    expect([1, 2, 3, 4].map((n) => policy({ baseInterval: 30, maxInterval: 100 }).backoffCeiling(n))).toEqual([30, 60, 100, 100]);
    expect([1, 2, 3, 4, 5, 6].map((n) => policy({ baseInterval: 25, maxInterval: 251 }).backoffCeiling(n))).toEqual([25, 50, 100, 200, 251, 251]);
    expect(policy({ baseInterval: 40, maxInterval: 40 }).backoffCeiling(3)).toBe(40);
  });

  it('rounds a base below 1 ms up to 1 ms, as the proto says', () => {
    const p = policy({ baseInterval: 0.2, maxInterval: 4 });
    expect([1, 2, 3, 4].map((n) => p.backoffCeiling(n))).toEqual([1, 2, 4, 4]);
    expect(() => p.backoffCeiling(0)).toThrow(/retry number/);
  });
});

describe('deadlines and host selection', () => {
  it('ends an attempt at the per-try timeout or the request deadline, whichever is first', () => {
    expect(policy().attemptDeadline(100, 1_000)).toBe(1_000);
    expect(policy({ perTryTimeout: 250 }).attemptDeadline(100, 1_000)).toBe(350);
    expect(policy({ perTryTimeout: 250 }).attemptDeadline(900, 1_000)).toBe(1_000);
  });

  it('reselects a host already tried up to hostSelectionRetryMaxAttempts times, then keeps the last pick', () => {
    const tried = new Set([1, 2]);
    const picks = (sequence: number[]) => {
      let i = 0;
      return () => sequence[i++]!;
    };
    expect(policy().selectHost(picks([1, 3]), (h) => tried.has(h))).toBe(3);
    expect(policy().selectHost(picks([1, 2, 3]), (h) => tried.has(h))).toBe(2); // 1 reselection only
    expect(policy({ hostSelectionRetryMaxAttempts: 5 }).selectHost(picks([1, 2, 1, 2, 3]), (h) => tried.has(h))).toBe(3);
    expect(policy({ hostSelectionRetryMaxAttempts: 0 }).selectHost(picks([1, 3]), (h) => tried.has(h))).toBe(1);
    expect(policy().selectHost(picks([-1, 3]), (h) => tried.has(h))).toBe(-1);
  });
});

describe('retry policy guarantees (properties)', () => {
  it('(c)12 the back-off before retry N is a whole number of ms in [0, min((2^N − 1)·base, max)), under both formulas', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('envoy' as const, 'documented' as const),
        randomSeed,
        (base, factor, retry, formula, seed) => {
          const p = policy({ baseInterval: base, maxInterval: base * factor, backoffFormula: formula });
          const delay = p.backoff(retry, sourceOf(seed));
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThan(Math.min((2 ** retry - 1) * base, base * factor));
          expect(p.backoffCeiling(retry)).toBeLessThanOrEqual(p.backoffCeiling(retry + 1));
        },
      ),
    );
  });

  it('(c)11 a request makes at most 1 + numRetries attempts, and the cluster never runs more concurrent retries than the limit allowed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5 }),
        fc.integer({ min: 0, max: 5 }),
        fc.array(fc.constantFrom<AttemptFailure | 'success'>('success', 'error5xx', 'gateway', 'reset', 'per_try_timeout', 'overflow'), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 20 }),
        (numRetries, maxRetries, outcomes, concurrency) => {
          const p = policy({ numRetries, retryOn: ['5xx'] });
          const breaker = new EnvoyRetryBudget(resolveEnvoyRetryBudgetConfig({ maxRetries }));
          // `concurrency` requests interleaved round robin; each consumes outcomes in turn.
          const attempts = new Array<number>(concurrency).fill(0);
          const retrying = new Array<boolean>(concurrency).fill(false);
          const done = new Array<boolean>(concurrency).fill(false);
          let next = 0;
          for (const outcome of outcomes) {
            const r = next++ % concurrency;
            if (done[r]) continue;
            attempts[r]!++;
            if (retrying[r]) {
              breaker.release(); // the retried attempt ended
              retrying[r] = false;
            }
            if (outcome === 'success') {
              done[r] = true;
              continue;
            }
            const decision = p.shouldRetry(outcome, attempts[r]! - 1, breaker, concurrency, 0);
            if (decision === 'retry') {
              retrying[r] = true;
              expect(breaker.active).toBeLessThanOrEqual(maxRetries);
            } else done[r] = true;
            expect(attempts[r]).toBeLessThanOrEqual(1 + numRetries);
          }
        },
      ),
    );
  });
});
