/**
 * Ranking strategies for a decision: by the user's SLO, then by how many requests they served,
 * then by latency, so that no ranking favours a strategy that serves fewer requests.
 *
 * 1. Replications in which the strategy met every objective of the SLO, more first.
 * 2. Availability, in tiers: taken in order of mean availability, a strategy joins the tier
 *    above it unless the paired t-test (compare.ts) finds its availability significantly
 *    different from any strategy already in that tier, so a difference within noise never
 *    decides, and noise in one pair cannot merge strategies another pair tells apart. Under
 *    common random numbers every strategy meets the same requests, so goodput orders exactly
 *    as availability does.
 * 3. Within a tier, the tie-break metric (`--metric`, default latency.p99) in its better
 *    direction; undefined values last.
 * Each strategy gets the reason for its place, and the first a recommendation line:
 * "pick X: meets the SLO; Y misses availability per 10s (worst window 97.1% < 99.9%)".
 */
import { compareMetric, sortByMetric, type ComparedMetric } from './compare.js';
import { getMetric } from './metric-paths.js';
import type { StrategyResult } from './types.js';
import { formatDuration } from '../scenario/duration.js';
import { scopeKind, sliDefinition, type SloObjective } from '../slo/objective.js';

/** An objective a strategy missed in some replication, at its worst. */
export interface MissedObjective {
  readonly name: string;
  /** Replications in which it was missed. */
  readonly replications: number;
  /** The SLI in the replication where the margin was least. */
  readonly worst: number;
  /** How the miss reads: `availability per 10s (worst window 97.1% < 99.9%)`. */
  readonly text: string;
}

export interface RankedStrategy {
  readonly label: string;
  /** 1-based. */
  readonly rank: number;
  /** Replications meeting every objective, of `replications`. */
  readonly sloMet: number;
  readonly replications: number;
  readonly availability: number;
  readonly goodput: number;
  /** The tie-break metric's mean. */
  readonly metric: number;
  readonly missed: readonly MissedObjective[];
  /** Why it stands where it does, against the first. */
  readonly reason: string;
}

export interface Ranking {
  /** The tie-break metric path. */
  readonly metric: string;
  readonly strategies: readonly RankedStrategy[];
  /** One line: which strategy, and why the others are not. */
  readonly recommendation: string;
}

const AVAILABILITY: ComparedMetric = { path: 'availability', direction: 'higher' };

/** Significantly different by the paired test; with one replication, any difference counts. */
function differs(a: StrategyResult, b: StrategyResult, metric: ComparedMetric): boolean {
  const row = compareMetric(a, b, metric, false);
  if (row.verdict === 'n/a (1 replication)') return row.difference !== 0;
  return row.verdict === 'A better' || row.verdict === 'B better';
}

function percent(x: number, digits: number): string {
  return `${+(100 * x).toFixed(digits)}%`;
}

/** x and y as percentages with just enough decimals to tell them apart (up to 4), never rounding a share below 1 up to 100 %. */
function percents(x: number, y: number): [string, string] {
  const full = (v: number, digits: number) => v < 1 && percent(v, digits) === '100%';
  for (let digits = 1; digits < 4; digits++) {
    if (percent(x, digits) !== percent(y, digits) && !full(x, digits) && !full(y, digits)) return [percent(x, digits), percent(y, digits)];
  }
  return [percent(x, 4), percent(y, 4)];
}

function measured(sli: string, x: number): string {
  const definition = sliDefinition(sli);
  if (definition?.measure === 'time') return x >= 1000 ? formatDuration(+(x / 1000).toPrecision(3) * 1000) : `${+x.toPrecision(3)}ms`;
  if (definition?.measure === 'rate') return `${+x.toPrecision(4)}/s`;
  return String(+x.toPrecision(4));
}

/** `97.1% < 99.9%`, `60s > 15s`: the measured value against the threshold it broke. */
function againstThreshold(o: SloObjective, worst: number): string {
  const broken = o.op === '>=' ? '<' : o.op === '<=' ? '>' : '≠';
  if (sliDefinition(o.sli)?.measure === 'ratio') {
    const [x, t] = percents(worst, o.value);
    return `${x} ${broken} ${t}`;
  }
  return `${measured(o.sli, worst)} ${broken} ${measured(o.sli, o.value)}`;
}

function missText(o: SloObjective, worst: number, canonical: boolean): string {
  const kind = scopeKind(o.per);
  const scope = kind === 'window' ? ` per ${formatDuration(o.per as number)}` : kind === 'fault' ? ' per fault' : '';
  const where = kind === 'window' ? 'worst window ' : kind === 'fault' ? 'worst fault ' : '';
  const name = canonical ? `${o.sli}${scope}` : o.name;
  return `${name} (${where}${againstThreshold(o, worst)})`;
}

function missedObjectives(result: StrategyResult, objectives: readonly SloObjective[]): MissedObjective[] {
  return objectives.flatMap((o, i) => {
    const per = result.replicationMetrics.map((m) => ({
      met: getMetric(m, `slo.objectives.${i}.met`),
      margin: getMetric(m, `slo.objectives.${i}.margin`),
      value: getMetric(m, `slo.objectives.${i}.value`),
    }));
    const missed = per.filter((p) => p.met === 0);
    if (missed.length === 0) return [];
    const worst = missed.reduce((w, p) => (p.margin < w.margin ? p : w));
    const canonical = o.name.startsWith(`${o.sli} `);
    return [{ name: o.name, replications: missed.length, worst: worst.value, text: missText(o, worst.value, canonical) }];
  });
}

function sloMet(result: StrategyResult): number {
  return result.replicationMetrics.filter((m) => getMetric(m, 'slo.met') === 1).length;
}

/** Orders one group of equal SLO standing: availability tiers, then the metric within each. */
function orderGroup(group: StrategyResult[], metric: string): { order: StrategyResult[]; tierOf: Map<StrategyResult, number> } {
  const byAvailability = group
    .map((r, i) => ({ r, i, v: getMetric(r.metrics, 'availability') }))
    .sort((x, y) => (Number.isNaN(x.v) ? 1 : 0) - (Number.isNaN(y.v) ? 1 : 0) || y.v - x.v || x.i - y.i)
    .map(({ r }) => r);
  const tiers: StrategyResult[][] = [];
  for (const r of byAvailability) {
    const tier = tiers[tiers.length - 1];
    if (tier !== undefined && !tier.some((member) => differs(r, member, AVAILABILITY))) tier.push(r);
    else tiers.push([r]);
  }
  const tierOf = new Map<StrategyResult, number>();
  tiers.forEach((tier, t) => tier.forEach((r) => tierOf.set(r, t)));
  return { order: tiers.flatMap((tier) => sortByMetric(tier, metric)), tierOf };
}

function metricText(path: string, x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  if (path.startsWith('latency.') || path.endsWith('TimeToRecover') || path.endsWith('TimeToDetect')) return `${+x.toPrecision(3)} ms`;
  return String(+x.toPrecision(4));
}

function metricName(path: string): string {
  return path.startsWith('latency.') ? path.slice('latency.'.length).replace('p999', 'p99.9') : path;
}

/**
 * Ranks `results` (one per strategy, replications paired) against the SLO `objectives`, the
 * ones their `slo` metrics were judged on, breaking ties by `metric`.
 */
export function rankStrategies(results: readonly StrategyResult[], objectives: readonly SloObjective[], metric = 'latency.p99'): Ranking {
  const met = new Map(results.map((r) => [r, sloMet(r)]));
  const levels = [...new Set(met.values())].sort((a, b) => b - a);
  const tiers = new Map<StrategyResult, number>();
  const order: StrategyResult[] = [];
  for (const level of levels) {
    const grouped = orderGroup(results.filter((r) => met.get(r) === level), metric);
    grouped.tierOf.forEach((t, r) => tiers.set(r, t));
    order.push(...grouped.order);
  }
  const first = order[0];
  const describe = (r: StrategyResult, rank: number): RankedStrategy => {
    const missed = missedObjectives(r, objectives);
    const n = r.replicationMetrics.length;
    const misses = missed.map((m) => m.text).join(', ');
    let reason: string;
    if (r === first) {
      reason = met.get(r) === n ? 'meets the SLO' : met.get(r)! > 0 ? `meets it in ${met.get(r)}/${n} replications (misses ${misses})` : `misses ${misses}`;
    } else if (met.get(r)! < met.get(first!)!) {
      reason = `misses ${misses}${met.get(r)! > 0 ? ` in ${n - met.get(r)!}/${n} replications` : ''}`;
    } else if (tiers.get(r) !== tiers.get(first!)) {
      const [x, y] = percents(getMetric(r.metrics, 'availability'), getMetric(first!.metrics, 'availability'));
      reason = `${met.get(r) === n ? 'meets the SLO too, but ' : ''}serves fewer requests: availability ${x} vs ${y}`;
    } else {
      const name = metricName(metric);
      const worse = `${name} ${metricText(metric, getMetric(r.metrics, metric))} vs ${metricText(metric, getMetric(first!.metrics, metric))}`;
      reason = `${met.get(r) === n ? 'meets the SLO too, ' : ''}same availability, ${worse}`;
    }
    return {
      label: r.label,
      rank,
      sloMet: met.get(r)!,
      replications: n,
      availability: getMetric(r.metrics, 'availability'),
      goodput: getMetric(r.metrics, 'goodput'),
      metric: getMetric(r.metrics, metric),
      missed,
      reason,
    };
  };
  const strategies = order.map((r, i) => describe(r, i + 1));
  return { metric, strategies, recommendation: recommendation(strategies) };
}

function recommendation(strategies: readonly RankedStrategy[]): string {
  const [first, ...rest] = strategies;
  if (first === undefined) return 'no strategies';
  // One strategy (a run): its standing, nothing to pick between.
  if (rest.length === 0) return `${first.label} ${first.reason}`;
  const others = rest.map((s) => `${s.label} ${s.reason}`);
  const head =
    first.sloMet === first.replications
      ? `pick ${first.label}: ${first.reason}`
      : `no strategy meets the SLO${first.sloMet > 0 ? ' in every replication' : ''}; closest: ${first.label}, which ${first.reason}`;
  return [head, ...others].join('; ');
}
