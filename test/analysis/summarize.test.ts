import { describe, expect, it } from 'vitest';
import { canonicalMetrics } from '../../src/analysis/metric-paths.js';
import {
  getMetric,
  metricPaths,
  summarizeReplications,
  summarizeSample,
} from '../../src/analysis/summarize.js';
import { RngStream } from '../../src/engine/rng.js';
import type { ReplicationMetrics } from '../../src/metrics/types.js';
import { makeMetrics } from '../helpers/metrics-fixture.js';

describe('summarizeSample', () => {
  it('matches a hand computation on 1..5', () => {
    // mean 3; s² = (4+1+0+1+4)/4 = 2.5; s/√n = √(2.5/5) = √0.5;
    // t0.975,4 = 2.7764451052; half-width = 2.7764451052 · 0.7071067812 = 1.9632431615.
    const { mean, halfWidth95 } = summarizeSample([1, 2, 3, 4, 5]);
    expect(mean).toBe(3);
    expect(halfWidth95).toBeCloseTo(1.9632431615, 9);
  });

  it('matches a hand computation on 2,4,4,4,5,5,7,9', () => {
    // mean 5; Σ(x−5)² = 9+1+1+1+0+0+4+16 = 32; s/√n = √(32/7/8) = √(4/7) = 0.7559289460;
    // t0.975,7 = 2.3646242516; half-width = 1.7874879182.
    const { mean, halfWidth95 } = summarizeSample([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(mean).toBe(5);
    expect(halfWidth95).toBeCloseTo(1.7874879182, 9);
  });

  it('keeps a constant exactly, with a zero half-width', () => {
    expect(summarizeSample([0.1, 0.1, 0.1])).toEqual({ mean: 0.1, halfWidth95: 0 });
  });

  it('has no half-width for a single value', () => {
    expect(summarizeSample([7])).toEqual({ mean: 7, halfWidth95: undefined });
  });

  it('propagates NaN instead of dropping it', () => {
    const { mean, halfWidth95 } = summarizeSample([1, NaN, 3]);
    expect(mean).toBeNaN();
    expect(halfWidth95).toBeNaN();
    expect(summarizeSample([NaN, NaN]).mean).toBeNaN();
    expect(summarizeSample([NaN, NaN]).halfWidth95).toBeNaN();
  });
});

describe('metricPaths and getMetric', () => {
  it('lists every numeric leaf in contract order, arrays by index', () => {
    const paths = metricPaths(makeMetrics({ perInstance: [1, 2, 3] }));
    expect(paths.slice(0, 5)).toEqual(['T', 'S', 'L', 'F', 'R']);
    expect(paths).toContain('latency.p999');
    expect(paths.filter((p) => p.startsWith('latency.'))).toEqual([
      'latency.mean',
      'latency.p50',
      'latency.p90',
      'latency.p95',
      'latency.p99',
      'latency.p999',
      'latency.max',
    ]);
    expect(paths.filter((p) => p.startsWith('perInstance.'))).toEqual([
      'perInstance.0',
      'perInstance.1',
      'perInstance.2',
    ]);
    expect(paths.indexOf('imbalance.cov')).toBe(paths.indexOf('imbalance.maxOverMean') + 1);
    expect(paths.filter((p) => p.startsWith('slo.'))).toEqual([
      'slo.met',
      'slo.margin',
      'slo.objectives.0.met',
      'slo.objectives.0.margin',
      'slo.objectives.0.value',
    ]);
    expect(paths.at(-1)).toBe('simulatedTime');
  });

  it('does not depend on the order the record was built in', () => {
    const m = makeMetrics();
    const reversed = Object.fromEntries(Object.entries(m).reverse()) as unknown;
    expect(metricPaths(reversed as ReplicationMetrics)).toEqual(metricPaths(m));
  });

  it('places unknown fields after the known ones, sorted', () => {
    const extended = {
      ...makeMetrics(),
      zeta: 1,
      alpha: { b: 2, a: 1 },
      detection: { missed: 1, meanTimeToDetect: 3 },
    } as unknown as ReplicationMetrics;
    const paths = metricPaths(extended);
    expect(paths.indexOf('detection.meanTimeToDetect')).toBeLessThan(
      paths.indexOf('detection.missed'),
    );
    expect(paths.indexOf('detection.missed')).toBeLessThan(paths.indexOf('simulatedTime'));
    expect(paths.slice(-4)).toEqual(['simulatedTime', 'alpha.a', 'alpha.b', 'zeta']);
  });

  it('reads values by path, NaN for absent or null', () => {
    const m = makeMetrics({ perInstance: [5, 6, 7, 8] });
    expect(getMetric(m, 'T')).toBe(1000);
    expect(getMetric(m, 'latency.p99')).toBe(45);
    expect(getMetric(m, 'perInstance.3')).toBe(8);
    expect(getMetric(m, 'perInstance.4')).toBeNaN();
    expect(getMetric(m, 'perInstance.x')).toBeNaN();
    expect(getMetric(m, 'nope.deeper')).toBeNaN();
    expect(getMetric(m, 'latency')).toBeNaN();
    const fromJson = JSON.parse(JSON.stringify(makeMetrics({ latency: { p99: NaN } })));
    expect(getMetric(fromJson as ReplicationMetrics, 'latency.p99')).toBeNaN();
    expect(metricPaths(fromJson as ReplicationMetrics)).toContain('latency.p99');
  });

  it('canonicalMetrics reorders keys without changing values', () => {
    const m = makeMetrics();
    const reversed = Object.fromEntries(Object.entries(m).reverse()) as unknown;
    const canonical = canonicalMetrics(reversed as ReplicationMetrics);
    expect(Object.keys(canonical)).toEqual(Object.keys(m));
    expect(canonical).toEqual(m);
  });
});

describe('summarizeReplications', () => {
  it('averages nested fields and perInstance element-wise', () => {
    const reps = [
      makeMetrics({ T: 100, latency: { p99: 10 }, perInstance: [1, 2, 3] }),
      makeMetrics({ T: 200, latency: { p99: 20 }, perInstance: [3, 2, 1] }),
      makeMetrics({ T: 300, latency: { p99: 60 }, perInstance: [5, 2, 8] }),
    ];
    const { metrics, ci95 } = summarizeReplications(reps);
    expect(metrics.T).toBe(200);
    expect(metrics.latency.p99).toBe(30);
    expect(metrics.latency.p50).toBe(10); // the same in every replication
    expect(metrics.perInstance).toEqual([3, 2, 4]);
    // Every path has a half-width, in metric-path order.
    expect(Object.keys(ci95)).toEqual(metricPaths(metrics));
    // T: s = 100, t0.975,2 = 4.302652729749462 → 4.3026527297 · 100/√3 = 248.413...
    expect(ci95['T']).toBeCloseTo((4.302652729749462 * 100) / Math.sqrt(3), 9);
    expect(ci95['perInstance.1']).toBe(0);
    expect(ci95['S']).toBe(0);
  });

  it('with one replication returns it unchanged and no half-widths', () => {
    const rep = makeMetrics();
    const { metrics, ci95 } = summarizeReplications([rep]);
    expect(metrics).toEqual(rep);
    expect(ci95).toEqual({});
  });

  it('keeps NaN metrics NaN and reports them', () => {
    const reps = [makeMetrics({ latency: { mean: NaN } }), makeMetrics({ latency: { mean: 4 } })];
    const { metrics, ci95 } = summarizeReplications(reps);
    expect(metrics.latency.mean).toBeNaN();
    expect(ci95['latency.mean']).toBeNaN();
    expect(metrics.latency.p50).toBe(10);
  });

  it('counts a field missing from some replications as NaN', () => {
    const short = makeMetrics({ perInstance: [1, 2] });
    const long = makeMetrics({ perInstance: [1, 2, 3] });
    const { metrics } = summarizeReplications([short, long]);
    expect(metrics.perInstance[0]).toBe(1);
    expect(metrics.perInstance[2]).toBeNaN();
  });

  it('rejects an empty list', () => {
    expect(() => summarizeReplications([])).toThrow(RangeError);
  });

  it('covers the true mean 95 % of the time (normal samples)', () => {
    // 2000 intervals from samples of n = 5 normal values, fixed seed. Each covers the true mean
    // independently with probability 0.95 if the half-width is right, so the covered count is
    // Binomial(2000, 0.95): the proportion has SE = √(0.95·0.05/2000) = 0.00487, and a correct
    // implementation lands within 3·SE = 0.0146 of 0.95 with probability 99.7 %. A wrong
    // quantile would miss it: z instead of t (1.96 vs 2.776) covers only ~88 %.
    const trials = 2000;
    const n = 5;
    const trueMean = 10;
    const sigma = 3;
    const rng = new RngStream('test/summarize/coverage');
    const normal = () => {
      // Box–Muller; nextOpen() is in (0, 1], safe for the logarithm.
      const r = Math.sqrt(-2 * Math.log(rng.nextOpen()));
      return r * Math.cos(2 * Math.PI * rng.next());
    };
    let covered = 0;
    for (let trial = 0; trial < trials; trial++) {
      const reps = Array.from({ length: n }, () =>
        makeMetrics({ latency: { mean: trueMean + sigma * normal() } }),
      );
      const { metrics, ci95 } = summarizeReplications(reps);
      const halfWidth = ci95['latency.mean']!;
      if (Math.abs(metrics.latency.mean - trueMean) <= halfWidth) covered++;
    }
    const coverage = covered / trials;
    const se = Math.sqrt((0.95 * 0.05) / trials);
    expect(Math.abs(coverage - 0.95)).toBeLessThanOrEqual(3 * se);
  });
});
