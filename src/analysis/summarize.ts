/**
 * Means and 95 % confidence intervals over independent replications.
 *
 * Replications are independent runs with derived seeds, so each metric's replication values
 * are i.i.d. and the classic Student-t interval applies: mean ± t₀.₉₇₅,ₙ₋₁ · s/√n, with s the
 * sample standard deviation (n − 1 denominator).
 *
 * NaN is information, not noise: a metric that is NaN in any replication (latency when nothing
 * completed) has a NaN mean and a NaN half-width, instead of a mean over the replications
 * that happened to produce a value.
 */
import type { ReplicationMetrics } from '../metrics/types.js';
import { buildFromShape, getMetric, metricShape, shapePaths } from './metric-paths.js';
import { studentTQuantile } from './student-t.js';

export { getMetric, metricPaths } from './metric-paths.js';

const t975ByDf = new Map<number, number>();

/** t₀.₉₇₅ for df, memoized: summaries ask for the same few df once per metric path. */
function t975(df: number): number {
  let t = t975ByDf.get(df);
  if (t === undefined) {
    t = studentTQuantile(0.975, df);
    t975ByDf.set(df, t);
  }
  return t;
}

export interface SampleSummary {
  mean: number;
  /** The 95 % half-width; undefined with fewer than two values (no variance estimate). */
  halfWidth95: number | undefined;
}

/**
 * Mean and 95 % Student-t half-width of a sample, in input order (so the floating-point
 * result is reproducible). A constant sample has exactly that constant as its mean and a
 * half-width of 0. Any NaN gives NaN for both; an infinite value gives a NaN half-width.
 */
export function summarizeSample(values: readonly number[]): SampleSummary {
  const n = values.length;
  if (n === 0) return { mean: NaN, halfWidth95: undefined };
  const first = values[0]!;
  // The sum of n copies of x divided by n is not always x in floating point (0.1 × 3 / 3);
  // returning x keeps constants such as S or a perfect availability exact in the output.
  const constant = values.every((v) => v === first);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = constant ? first : sum / n;
  if (n < 2) return { mean, halfWidth95: undefined };
  if (constant && Number.isFinite(first)) return { mean, halfWidth95: 0 };
  if (!Number.isFinite(mean)) return { mean, halfWidth95: NaN };
  // Two-pass variance: no cancellation between a large sum of squares and n·mean².
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  const standardError = Math.sqrt(squares / (n - 1) / n);
  return { mean, halfWidth95: t975(n - 1) * standardError };
}

export interface ReplicationSummary {
  /** The mean of every metric over the replications, with the records' nested structure. */
  metrics: ReplicationMetrics;
  /**
   * The 95 % half-width of every metric path, in metricPaths order. Empty with a single
   * replication: the half-width is undefined then, and is omitted rather than written as 0.
   * NaN where the metric is NaN (or infinite) in any replication.
   */
  ci95: Record<string, number>;
}

/**
 * Means and 95 % half-widths over the replications of one strategy.
 *
 * Every numeric field is averaged, nested objects recursively and arrays (perInstance)
 * element-wise. A field missing from some replications (or an array shorter in some) counts as
 * NaN there, so its mean is NaN rather than a mean over a subset.
 *
 * @throws RangeError when `reps` is empty: there is nothing to summarize.
 */
export function summarizeReplications(reps: readonly ReplicationMetrics[]): ReplicationSummary {
  if (reps.length === 0) throw new RangeError('summarizeReplications: no replications');
  const shape = metricShape(reps);
  const means = new Map<string, number>();
  const ci95: Record<string, number> = {};
  for (const path of shapePaths(shape)) {
    const { mean, halfWidth95 } = summarizeSample(reps.map((r) => getMetric(r, path)));
    means.set(path, mean);
    if (halfWidth95 !== undefined) ci95[path] = halfWidth95;
  }
  const metrics = buildFromShape(shape, (path) => means.get(path) ?? NaN) as ReplicationMetrics;
  return { metrics, ci95 };
}
