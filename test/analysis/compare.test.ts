import { describe, expect, it } from 'vitest';
import {
  COMPARED_METRICS,
  compareMetric,
  compareStrategies,
  pairedDifference,
  sortByMetric,
  uniqueLabels,
  verdictOf,
} from '../../src/analysis/compare.js';
import { directionOf } from '../../src/analysis/directions.js';
import { metricPaths } from '../../src/analysis/metric-paths.js';
import { metricsTemplate } from '../../src/metrics/template.js';
import { makeMetrics, makeStrategy } from '../helpers/metrics-fixture.js';

describe('pairedDifference', () => {
  it('matches a hand computation', () => {
    // A = 10, 12, 9, 14, 11 and B = 8, 11, 9, 11, 10 give d = 2, 1, 0, 3, 1.
    // mean(d) = 7/5 = 1.4; Σ(d − 1.4)² = 0.36 + 0.16 + 1.96 + 2.56 + 0.16 = 5.2;
    // s² = 5.2/4 = 1.3; s/√n = √(1.3/5) = 0.5099019514; t0.975,4 = 2.7764451052;
    // half-width = 1.4157147770.
    const d = pairedDifference([10, 12, 9, 14, 11], [8, 11, 9, 11, 10]);
    expect(d.mean).toBeCloseTo(1.4, 12);
    expect(d.halfWidth95).toBeCloseTo(1.415714777, 9);
    expect(d.replications).toBe(5);
  });

  it('is far narrower than the unpaired intervals when the samples move together', () => {
    // Common random numbers: B is A plus noise-free offset, so the differences are constant.
    const a = [100, 140, 90, 170, 120];
    const b = a.map((x) => x + 5);
    expect(pairedDifference(a, b)).toEqual({ mean: -5, halfWidth95: 0, replications: 5 });
  });

  it('has no half-width with a single replication', () => {
    const d = pairedDifference([3], [1]);
    expect(d.mean).toBe(2);
    expect(d.halfWidth95).toBeNaN();
  });

  it('refuses samples that are not paired', () => {
    expect(() => pairedDifference([1, 2], [1])).toThrow(RangeError);
    expect(() => pairedDifference([], [])).toThrow(RangeError);
  });
});

describe('verdictOf', () => {
  const diff = (mean: number, halfWidth95: number, replications = 5) => ({ mean, halfWidth95, replications });

  it('knows which way is better', () => {
    expect(verdictOf(diff(-3, 1), 'lower')).toBe('A better');
    expect(verdictOf(diff(3, 1), 'lower')).toBe('B better');
    expect(verdictOf(diff(3, 1), 'higher')).toBe('A better');
    expect(verdictOf(diff(-3, 1), 'higher')).toBe('B better');
    expect(verdictOf(diff(3, 1), 'none')).toBe('A higher');
    expect(verdictOf(diff(-3, 1), 'none')).toBe('B higher');
  });

  it('calls it a tie when the interval contains 0, the boundary included', () => {
    expect(verdictOf(diff(0.5, 1), 'lower')).toBe('no significant difference');
    expect(verdictOf(diff(-1, 1), 'lower')).toBe('no significant difference');
    expect(verdictOf(diff(0, 0), 'lower')).toBe('no significant difference');
  });

  it('treats a constant non-zero difference as significant', () => {
    expect(verdictOf(diff(-5, 0), 'lower')).toBe('A better');
  });

  it('gives no verdict without an interval or a value', () => {
    expect(verdictOf(diff(2, NaN, 1), 'lower')).toBe('n/a (1 replication)');
    expect(verdictOf(diff(NaN, NaN), 'lower')).toBe('n/a (metric undefined)');
  });
});

describe('metric directions', () => {
  it('covers the key metrics in decision order: the SLO, requests served, latency, diagnostics', () => {
    expect(COMPARED_METRICS.map((m) => m.path)).toEqual([
      'slo.margin', 'availability', 'goodput', 'timedOut', 'rejected', 'failed',
      'latency.mean', 'latency.p50', 'latency.p90', 'latency.p95', 'latency.p99', 'latency.p999', 'latency.max',
      'imbalance.cov', 'imbalance.maxOverMean', 'F', 'R',
    ]);
  });

  it('knows a direction for every metric path, latency lower and availability higher', () => {
    expect(directionOf('latency.p99')).toBe('lower');
    expect(directionOf('latency.p95')).toBe('lower');
    expect(directionOf('goodput')).toBe('higher');
    expect(directionOf('availability')).toBe('higher');
    expect(directionOf('offered')).toBe('none');
    expect(directionOf('timedOut')).toBe('lower');
    expect(directionOf('R')).toBe('none');
    expect(directionOf('perInstance.0')).toBe('none');
    expect(directionOf('perInstanceUtilisation.3')).toBe('none');
    expect(directionOf('slo.met')).toBe('higher');
    expect(directionOf('slo.objectives.2.margin')).toBe('higher');
    expect(directionOf('recovery.serviceTimeToRecover')).toBe('lower');
    expect(directionOf('throughput')).toBeUndefined();
    expect(directionOf('nonsense')).toBeUndefined();
    for (const path of metricPaths(metricsTemplate(3, 2))) expect(directionOf(path), path).toBeDefined();
  });
});

describe('compareStrategies', () => {
  const fast = makeStrategy('least_request(choices=2)', [40, 50, 45].map((p99) => makeMetrics({ latency: { p99 } })));
  const slow = makeStrategy('random', [60, 75, 62].map((p99) => makeMetrics({ latency: { p99 } })));

  it('compares every other strategy with the baseline on every metric', () => {
    const rows = compareStrategies([slow, fast], 'random');
    expect(rows).toHaveLength(COMPARED_METRICS.length);
    const p99 = rows.find((r) => r.metric === 'latency.p99')!;
    // d = −20, −25, −17: mean −62/3; relative to the baseline mean 197/3.
    expect(p99).toMatchObject({ label: 'least_request(choices=2)', baseline: 'random', verdict: 'A better' });
    expect(p99.difference).toBeCloseTo(-62 / 3, 12);
    expect(p99.mean).toBeCloseTo(45, 12);
    expect(p99.baselineMean).toBeCloseTo(197 / 3, 12);
    expect(p99.relativeDifference).toBeCloseTo(-62 / 197, 12);
    // Every other metric is equal in every replication: exactly 0, a tie.
    for (const row of rows.filter((r) => r.metric !== 'latency.p99')) {
      expect(row.difference).toBe(0);
      expect(row.ci95).toBe(0);
      expect(row.relativeDifference).toBe(0);
      expect(row.verdict).toBe('no significant difference');
    }
  });

  it('reports a relative difference against a zero baseline as infinite', () => {
    const none = makeStrategy('a', [makeMetrics({ timedOut: 0 }), makeMetrics({ timedOut: 0 })]);
    const some = makeStrategy('b', [makeMetrics({ timedOut: 2 }), makeMetrics({ timedOut: 4 })]);
    const row = compareMetric(some, none, { path: 'timedOut', direction: 'lower' });
    expect(row.difference).toBe(3);
    expect(row.relativeDifference).toBe(Infinity);
  });

  it('rejects an unknown baseline', () => {
    expect(() => compareStrategies([slow, fast], 'round_robin')).toThrow(/no strategy labelled round_robin/);
  });
});

describe('sortByMetric', () => {
  const s = (label: string, p99: number, goodput: number) =>
    makeStrategy(label, [makeMetrics({ latency: { p99 }, goodput })]);

  it('puts the best first in each direction, NaN last, ties in given order', () => {
    const results = [s('a', 50, 10), s('b', NaN, 30), s('c', 20, 20), s('d', 20, 5)];
    expect(sortByMetric(results, 'latency.p99').map((r) => r.label)).toEqual(['c', 'd', 'a', 'b']);
    expect(sortByMetric(results, 'goodput').map((r) => r.label)).toEqual(['b', 'c', 'a', 'd']);
  });
});

describe('uniqueLabels', () => {
  it('numbers repeats without clashing with given labels', () => {
    expect(uniqueLabels(['random', 'random', 'round_robin', 'random'])).toEqual(['random', 'random#2', 'round_robin', 'random#3']);
    expect(uniqueLabels(['a', 'a#2', 'a'])).toEqual(['a', 'a#2', 'a#3']);
  });
});
