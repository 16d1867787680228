import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CircuitBreaker, DEFAULT_CIRCUIT_BREAKER_CONFIG, resolveCircuitBreakerConfig } from '../../src/recovery/circuit-breaker.js';

function breaker(partial: Parameters<typeof resolveCircuitBreakerConfig>[0] = {}): CircuitBreaker {
  return new CircuitBreaker(resolveCircuitBreakerConfig(partial));
}

describe('circuit breaker config', () => {
  it("has Envoy's thresholds: 1024 connections, pending and requests, 3 retries, no budget", () => {
    expect(resolveCircuitBreakerConfig()).toEqual({
      maxConnections: 1024,
      maxPendingRequests: 1024,
      maxRequests: 1024,
      maxRetries: 3,
      retryBudget: null,
    });
    expect(Object.isFrozen(DEFAULT_CIRCUIT_BREAKER_CONFIG)).toBe(true);
    expect(resolveCircuitBreakerConfig({ retryBudget: {} }).retryBudget).toEqual({ budgetPercent: 20, minRetryConcurrency: 3 });
  });

  it.each([[{ maxRequests: -1 }], [{ maxPendingRequests: 1.5 }], [{ maxConnections: Number.NaN }], [{ maxRetries: -2 }], [{ retryBudget: { budgetPercent: 200 } }]])(
    'rejects %o',
    (partial) => {
      expect(() => resolveCircuitBreakerConfig(partial)).toThrow(RangeError);
    },
  );
});

describe('circuit breaker', () => {
  it('admits requests while active < maxRequests and counts the overflow', () => {
    const cb = breaker({ maxRequests: 2 });
    expect([cb.tryAdmitRequest(), cb.tryAdmitRequest(), cb.tryAdmitRequest()]).toEqual([true, true, false]);
    expect(cb.activeRequests).toBe(2);
    expect(cb.requestOverflows).toBe(1);
    cb.releaseRequest();
    expect(cb.tryAdmitRequest()).toBe(true);
  });

  it('limits pending requests and connections the same way', () => {
    const cb = breaker({ maxPendingRequests: 1, maxConnections: 0 });
    expect([cb.tryAdmitPending(), cb.tryAdmitPending()]).toEqual([true, false]);
    expect(cb.tryOpenConnection()).toBe(false);
    expect([cb.pendingRequests, cb.pendingOverflows, cb.activeConnections, cb.connectionOverflows]).toEqual([1, 1, 0, 1]);
    cb.releasePending();
    expect(cb.pendingRequests).toBe(0);
  });

  it('admits 3 concurrent retries without a budget', () => {
    const cb = breaker();
    expect(Array.from({ length: 4 }, () => cb.tryAdmitRetry())).toEqual([true, true, true, false]);
    expect(cb.retryOverflows).toBe(1);
    cb.releaseRetry();
    expect(cb.tryAdmitRetry()).toBe(true);
  });

  it('sizes a retry budget on its own active and pending requests', () => {
    const cb = breaker({ retryBudget: { budgetPercent: 20, minRetryConcurrency: 1 } });
    for (let i = 0; i < 20; i++) cb.tryAdmitRequest();
    for (let i = 0; i < 5; i++) cb.tryAdmitPending();
    expect(cb.retries.limit(cb.activeRequests, cb.pendingRequests)).toBe(5);
    expect(Array.from({ length: 6 }, () => cb.tryAdmitRetry())).toEqual([true, true, true, true, true, false]);
  });

  it('refuses releasing what was not admitted', () => {
    const cb = breaker();
    expect(() => cb.releaseRequest()).toThrow(/released more often than admitted/);
    expect(() => cb.releasePending()).toThrow(/pending/);
    expect(() => cb.releaseConnection()).toThrow(/connection/);
    expect(() => cb.releaseRetry()).toThrow(/release without a retry/);
  });

  it('(c)14 never exceeds a limit, and counts every refusal (property)', () => {
    const op = fc.constantFrom('request', 'pending', 'connection', 'retry', 'release-request', 'release-pending', 'release-connection', 'release-retry');
    fc.assert(
      fc.property(
        fc.record({ maxRequests: fc.integer({ min: 0, max: 8 }), maxPendingRequests: fc.integer({ min: 0, max: 8 }), maxConnections: fc.integer({ min: 0, max: 8 }), maxRetries: fc.integer({ min: 0, max: 4 }) }),
        fc.array(op, { maxLength: 300 }),
        (limits, ops) => {
          const cb = breaker(limits);
          const refused = { request: 0, pending: 0, connection: 0, retry: 0 };
          for (const o of ops) {
            switch (o) {
              case 'request':
                if (!cb.tryAdmitRequest()) refused.request++;
                break;
              case 'pending':
                if (!cb.tryAdmitPending()) refused.pending++;
                break;
              case 'connection':
                if (!cb.tryOpenConnection()) refused.connection++;
                break;
              case 'retry':
                if (!cb.tryAdmitRetry()) refused.retry++;
                break;
              case 'release-request':
                if (cb.activeRequests > 0) cb.releaseRequest();
                break;
              case 'release-pending':
                if (cb.pendingRequests > 0) cb.releasePending();
                break;
              case 'release-connection':
                if (cb.activeConnections > 0) cb.releaseConnection();
                break;
              case 'release-retry':
                if (cb.retries.active > 0) cb.releaseRetry();
                break;
            }
            expect(cb.activeRequests).toBeLessThanOrEqual(limits.maxRequests);
            expect(cb.pendingRequests).toBeLessThanOrEqual(limits.maxPendingRequests);
            expect(cb.activeConnections).toBeLessThanOrEqual(limits.maxConnections);
            expect(cb.retries.active).toBeLessThanOrEqual(limits.maxRetries);
          }
          expect([cb.requestOverflows, cb.pendingOverflows, cb.connectionOverflows, cb.retryOverflows]).toEqual([
            refused.request,
            refused.pending,
            refused.connection,
            refused.retry,
          ]);
        },
      ),
    );
  });
});
