import { describe, expect, it } from 'vitest';
import { censoredIn, censoringNote, isCensored } from '../../src/analysis/censoring.js';
import { makeMetrics, makeStrategy } from '../helpers/metrics-fixture.js';

describe('latency censored by the timeout', () => {
  // 990 completed, 10 timed out: 1 % of the requests that ended by answer or timeout.
  const m = makeMetrics({ completed: 990, timedOut: 10, latency: { mean: 20, max: 499 } });

  it('censors a percentile when the timed-out share exceeds its tail', () => {
    expect(isCensored(m, 'latency.p50')).toBe(false);
    expect(isCensored(m, 'latency.p95')).toBe(false);
    // 1 % timed out: the p99 over every request sits exactly at the last completed one, not beyond.
    expect(isCensored(m, 'latency.p99')).toBe(false);
    expect(isCensored(makeMetrics({ completed: 989, timedOut: 11 }), 'latency.p99')).toBe(true);
    expect(isCensored(m, 'latency.p999')).toBe(true);
    expect(isCensored(m, 'latency.max')).toBe(true);
  });

  it('censors the mean when the timed-out requests would move it by more than 1 %', () => {
    // Counted at ≥ 499 ms, 1 % of requests would raise a 20 ms mean by ≥ 1 % × 479 / 20 ≈ 24 %.
    expect(isCensored(m, 'latency.mean')).toBe(true);
    // 3 of 52,661 (gray-failure's peak EWMA): well under 1 %.
    expect(isCensored(makeMetrics({ completed: 52_658, timedOut: 3, latency: { mean: 21, max: 756 } }), 'latency.mean')).toBe(false);
  });

  it('censors nothing without timeouts, and nothing but latency', () => {
    const none = makeMetrics({ timedOut: 0 });
    for (const path of ['latency.mean', 'latency.p999', 'latency.max']) expect(isCensored(none, path)).toBe(false);
    expect(isCensored(m, 'availability')).toBe(false);
  });

  it('flags a strategy censored in any replication, and says what it means', () => {
    expect(censoredIn(makeStrategy('s', [makeMetrics({ timedOut: 0 }), m]), 'latency.max')).toBe(true);
    expect(censoringNote('latency.p999', '500ms')).toBe('censored by the 500ms timeout: over every request the p99.9 is at least 500ms');
    expect(censoringNote('latency.mean', undefined)).toBe('censored by the timeout: timed-out requests are missing from the mean');
  });
});
