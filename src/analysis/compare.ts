/**
 * Paired comparison of strategies run under common random numbers.
 *
 * Every strategy's replication r sees the same arrivals, service demands and keys (same seed,
 * same replication index), so the per-replication differences d_r = A_r − B_r remove the
 * workload noise both share. The d_r are i.i.d. over replications, and the Student-t interval
 * of their mean, mean(d) ± t₀.₉₇₅,ₙ₋₁ · s_d/√n, is the paired t confidence interval (e.g. Law,
 * Simulation Modeling and Analysis, 5th ed., §10.2.1). It is much narrower than comparing two
 * independent intervals whenever the strategies' results are positively correlated, which is
 * what common random numbers are for.
 *
 * A verdict is significant when the interval excludes 0, i.e. a two-sided paired t-test at the
 * 5 % level. Each (strategy, metric) verdict is its own test: with 18 metrics a few
 * "significant" verdicts among truly equal strategies are expected by chance (about one in
 * twenty), and the metrics are correlated with each other.
 *
 * A latency verdict carries a caveat when it cannot be read alone: "completed requests only"
 * when the two strategies' availability differs significantly (the one that loses more requests
 * drops its slowest from the sample), and "censored by the timeout" when the percentile is
 * censored in either (censoring.ts).
 */
import { censoredIn } from './censoring.js';
import { directionOf, type Direction } from './directions.js';
import { getMetric } from './metric-paths.js';
import { summarizeSample } from './summarize.js';
import type { StrategyResult } from './types.js';

export type { Direction } from './directions.js';

export interface ComparedMetric {
  readonly path: string;
  readonly direction: Direction;
}

const compared = (path: string): ComparedMetric => ({ path, direction: directionOf(path)! });

/**
 * The key metrics of a comparison, in the order a decision reads them: the SLO, then how many
 * requests were served, then latency, then the diagnostics. Latency is of completed requests
 * only, so a strategy that times out its slowest requests can look faster: its verdicts carry
 * a caveat then. R has no direction: more recovered requests can mean better retries or more
 * first attempts that failed.
 */
export const COMPARED_METRICS: readonly ComparedMetric[] = [
  'slo.margin',
  'availability',
  'goodput',
  'timedOut',
  'rejected',
  'failed',
  'latency.mean',
  'latency.p50',
  'latency.p90',
  'latency.p95',
  'latency.p99',
  'latency.p999',
  'latency.max',
  'imbalance.cov',
  'imbalance.maxOverMean',
  'F',
  'R',
].map(compared);

/**
 * A is the row's strategy, B the baseline. `A higher`/`B higher` are for metrics without a
 * preferred direction.
 */
export type Verdict =
  | 'A better'
  | 'B better'
  | 'A higher'
  | 'B higher'
  | 'no significant difference'
  | 'n/a (1 replication)'
  | 'n/a (metric undefined)';

export interface PairedDifference {
  /** Mean of the per-replication differences A_r − B_r. */
  mean: number;
  /** 95 % Student-t half-width of that mean; NaN with a single replication. */
  halfWidth95: number;
  replications: number;
}

/**
 * The paired difference of two samples taken under common random numbers, in replication
 * order. NaN anywhere (a latency when nothing completed) makes mean and half-width NaN.
 * @throws RangeError when the samples differ in length or are empty: they are not paired.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length || a.length === 0) {
    throw new RangeError(`pairedDifference: samples of ${a.length} and ${b.length} values are not paired`);
  }
  const { mean, halfWidth95 } = summarizeSample(a.map((x, i) => x - b[i]!));
  return { mean, halfWidth95: halfWidth95 ?? NaN, replications: a.length };
}

/** The verdict on a paired difference of a metric with the given direction. */
export function verdictOf(difference: PairedDifference, direction: Direction): Verdict {
  if (Number.isNaN(difference.mean)) return 'n/a (metric undefined)';
  if (difference.replications < 2) return 'n/a (1 replication)';
  if (Number.isNaN(difference.halfWidth95)) return 'n/a (metric undefined)';
  // The interval mean ± h excludes 0. A zero half-width (identical differences in every
  // replication) makes any non-zero mean significant, as the t-test does in the limit.
  if (Math.abs(difference.mean) <= difference.halfWidth95) return 'no significant difference';
  const aHigher = difference.mean > 0;
  switch (direction) {
    case 'none':
      return aHigher ? 'A higher' : 'B higher';
    case 'higher':
      return aHigher ? 'A better' : 'B better';
    case 'lower':
      return aHigher ? 'B better' : 'A better';
  }
}

/** One row of comparison.json / comparison.csv. */
export interface ComparisonRow {
  /** The compared strategy (A). */
  label: string;
  /** The baseline strategy (B). */
  baseline: string;
  metric: string;
  /** Mean of A over the replications. */
  mean: number;
  /** Mean of B over the replications. */
  baselineMean: number;
  /** Mean of the paired differences A − B. */
  difference: number;
  /** 95 % half-width of `difference`; NaN (null in JSON) with one replication. */
  ci95: number;
  /** difference / baselineMean; 0 when both are 0, ±Infinity (null) when only B is 0. */
  relativeDifference: number;
  verdict: Verdict;
  /** Why the verdict cannot be read alone (latency metrics); empty when it can. */
  caveat: string;
}

function relative(difference: number, baselineMean: number): number {
  if (difference === 0 && baselineMean === 0) return 0;
  return difference / Math.abs(baselineMean);
}

/** The caveat of a latency verdict between `a` and `b` (see the file header); empty otherwise. */
export function latencyCaveat(a: StrategyResult, b: StrategyResult, path: string): string {
  if (!path.startsWith('latency.')) return '';
  const caveats: string[] = [];
  const availability = compareMetric(a, b, compared('availability'), false).verdict;
  if (availability === 'A better' || availability === 'B better') caveats.push('completed requests only');
  if (censoredIn(a, path) || censoredIn(b, path)) caveats.push('censored by the timeout');
  return caveats.join('; ');
}

/** The comparison of `a` against `baseline` on one metric. */
export function compareMetric(a: StrategyResult, baseline: StrategyResult, metric: ComparedMetric, withCaveat = true): ComparisonRow {
  const valuesOf = (r: StrategyResult) => r.replicationMetrics.map((m) => getMetric(m, metric.path));
  const difference = pairedDifference(valuesOf(a), valuesOf(baseline));
  const baselineMean = getMetric(baseline.metrics, metric.path);
  return {
    label: a.label,
    baseline: baseline.label,
    metric: metric.path,
    mean: getMetric(a.metrics, metric.path),
    baselineMean,
    difference: difference.mean,
    ci95: difference.halfWidth95,
    relativeDifference: relative(difference.mean, baselineMean),
    verdict: verdictOf(difference, metric.direction),
    caveat: withCaveat ? latencyCaveat(a, baseline, metric.path) : '',
  };
}

/**
 * Every strategy other than the baseline against the baseline, on every metric: rows in
 * strategy order, metrics in `metrics` order.
 * @throws RangeError when the baseline label is not among the results.
 */
export function compareStrategies(
  results: readonly StrategyResult[],
  baselineLabel: string,
  metrics: readonly ComparedMetric[] = COMPARED_METRICS,
): ComparisonRow[] {
  const baseline = results.find((r) => r.label === baselineLabel);
  if (baseline === undefined) throw new RangeError(`compareStrategies: no strategy labelled ${baselineLabel}`);
  return results
    .filter((r) => r !== baseline)
    .flatMap((r) => metrics.map((metric) => compareMetric(r, baseline, metric)));
}

/**
 * The strategies ordered best first by the mean of `path` (ascending for `lower` and `none`,
 * descending for `higher`); NaN last; ties keep the given order.
 */
export function sortByMetric(results: readonly StrategyResult[], path: string): StrategyResult[] {
  const sign = directionOf(path) === 'higher' ? -1 : 1;
  const key = (r: StrategyResult) => getMetric(r.metrics, path);
  return results
    .map((r, i) => ({ r, i, v: key(r) }))
    .sort((x, y) => {
      const xNaN = Number.isNaN(x.v);
      const yNaN = Number.isNaN(y.v);
      if (xNaN || yNaN) return xNaN === yNaN ? x.i - y.i : xNaN ? 1 : -1;
      return sign * (x.v - y.v) || x.i - y.i;
    })
    .map(({ r }) => r);
}

/**
 * Labels made unique in order of appearance: a repeated label gets `#2`, `#3`, … so that two
 * identical strategies (a control for the comparison itself) can both be named.
 */
export function uniqueLabels(labels: readonly string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set(labels);
  return labels.map((label) => {
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    if (count === 1) return label;
    let suffix = count;
    while (taken.has(`${label}#${suffix}`)) suffix++;
    const unique = `${label}#${suffix}`;
    taken.add(unique);
    return unique;
  });
}
