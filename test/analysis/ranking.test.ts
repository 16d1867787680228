import { describe, expect, it } from 'vitest';
import { rankStrategies } from '../../src/analysis/ranking.js';
import { DEFAULT_SLO } from '../../src/slo/plan.js';
import { isProblem, parseObjectiveText, type SloObjective } from '../../src/slo/objective.js';
import { makeMetrics, makeStrategy } from '../helpers/metrics-fixture.js';
import type { ReplicationMetrics } from '../../src/metrics/types.js';

function objective(text: string): SloObjective {
  const o = parseObjectiveText(text);
  if (isProblem(o)) throw new Error(o.expected);
  return o;
}

/** A replication with this availability, p99 and per-objective verdicts. */
function rep(availability: number, p99: number, objectives: Array<{ met: boolean; value: number; margin?: number }> = [{ met: true, value: availability }]): ReplicationMetrics {
  return makeMetrics({
    availability,
    goodput: 100 * availability,
    latency: { p99 },
    slo: {
      met: objectives.every((o) => o.met) ? 1 : 0,
      margin: Math.min(...objectives.map((o) => o.margin ?? (o.value - 0.999) / 0.001)),
      objectives: objectives.map((o) => ({ met: o.met ? 1 : 0, margin: o.margin ?? (o.value - 0.999) / 0.001, value: o.value })),
    },
  });
}

const strategy = (label: string, reps: ReplicationMetrics[]) => makeStrategy(label, reps);

describe('rankStrategies: the SLO, then availability, then latency', () => {
  it('never puts a strategy that misses the SLO above one that meets it, however fast', () => {
    const fast = strategy('fast-but-lossy', [rep(0.97, 10, [{ met: false, value: 0.971 }]), rep(0.97, 11, [{ met: false, value: 0.965 }]), rep(0.97, 9, [{ met: false, value: 0.969 }])]);
    const slow = strategy('slow-but-whole', [rep(0.9995, 90), rep(0.9996, 95), rep(0.9994, 92)]);
    const ranking = rankStrategies([fast, slow], DEFAULT_SLO);
    expect(ranking.strategies.map((s) => s.label)).toEqual(['slow-but-whole', 'fast-but-lossy']);
    expect(ranking.recommendation).toBe(
      'pick slow-but-whole: meets the SLO; fast-but-lossy misses availability per 10s (worst window 96.5% < 99.9%)',
    );
    expect(ranking.strategies[1]).toMatchObject({ sloMet: 0, replications: 3, missed: [{ name: 'availability >= 99.9% per 10s', replications: 3, worst: 0.965 }] });
  });

  it('counts replications meeting the SLO first', () => {
    const twoOfThree = strategy('two', [rep(0.9999, 50), rep(0.9999, 50), rep(0.998, 50, [{ met: false, value: 0.998 }])]);
    const three = strategy('three', [rep(0.9995, 80), rep(0.9995, 81), rep(0.9995, 82)]);
    const ranking = rankStrategies([twoOfThree, three], DEFAULT_SLO);
    expect(ranking.strategies.map((s) => [s.label, s.sloMet])).toEqual([
      ['three', 3],
      ['two', 2],
    ]);
    expect(ranking.strategies[1]!.reason).toBe('misses availability per 10s (worst window 99.8% < 99.9%) in 1/3 replications');
  });

  it('ranks by availability only when it differs significantly; within noise, latency decides', () => {
    const a = strategy('a', [rep(0.99991, 40), rep(0.99990, 41), rep(0.99992, 39)]);
    const b = strategy('b', [rep(0.99990, 30), rep(0.99991, 29), rep(0.99991, 31)]);
    const c = strategy('c', [rep(0.9990, 10), rep(0.9991, 11), rep(0.9990, 9)]);
    const ranking = rankStrategies([a, c, b], DEFAULT_SLO);
    expect(ranking.strategies.map((s) => s.label)).toEqual(['b', 'a', 'c']);
    expect(ranking.strategies[1]!.reason).toBe('meets the SLO too, same availability, p99 40 ms vs 30 ms');
    expect(ranking.strategies[2]!.reason).toBe('meets the SLO too, but serves fewer requests: availability 99.9% vs 99.99%');
  });

  it('says so when no strategy meets the SLO, and names the closest', () => {
    const x = strategy('x', [rep(0.98, 50, [{ met: false, value: 0.95 }])]);
    const y = strategy('y', [rep(0.9, 20, [{ met: false, value: 0.8 }])]);
    const ranking = rankStrategies([y, x], DEFAULT_SLO);
    expect(ranking.recommendation).toBe(
      'no strategy meets the SLO; closest: x, which misses availability per 10s (worst window 95% < 99.9%); y serves fewer requests: availability 90% vs 98%',
    );
  });

  it('states a single strategy’s standing without picking', () => {
    expect(rankStrategies([strategy('only', [rep(0.98, 50, [{ met: false, value: 0.95 }])])], DEFAULT_SLO).recommendation).toBe(
      'only misses availability per 10s (worst window 95% < 99.9%)',
    );
    expect(rankStrategies([strategy('only', [rep(1, 50)])], DEFAULT_SLO).recommendation).toBe('only meets the SLO');
  });

  it('breaks ties by any metric in its better direction, undefined values last', () => {
    const reps = (goodput: number) => [makeMetrics({ goodput, latency: { p99: NaN } })];
    const ranking = rankStrategies([strategy('low', reps(10)), strategy('high', reps(30)), strategy('mid', reps(20))], DEFAULT_SLO, 'goodput');
    expect(ranking.strategies.map((s) => s.label)).toEqual(['high', 'mid', 'low']);
    const byP99 = rankStrategies([strategy('n', reps(1)), strategy('m', [makeMetrics({ latency: { p99: 5 } })])], DEFAULT_SLO);
    expect(byP99.strategies.map((s) => s.label)).toEqual(['m', 'n']);
  });

  it('writes each missed objective against its threshold in its own units', () => {
    const objectives = [objective('latency.p99 <= 200ms per 10s'), objective('detection.timeToEject <= 15s per fault'), objective('goodput >= 400/s over run')];
    const missing = strategy('m', [
      rep(1, 300, [
        { met: false, value: 312.5, margin: -0.5625 },
        { met: false, value: 60_000, margin: -3 },
        { met: false, value: 350, margin: -0.125 },
      ]),
    ]);
    const meeting = strategy('ok', [
      rep(1, 100, [
        { met: true, value: 100, margin: 0.5 },
        { met: true, value: 1000, margin: 0.9 },
        { met: true, value: 450, margin: 0.125 },
      ]),
    ]);
    const ranking = rankStrategies([missing, meeting], objectives);
    expect(ranking.strategies[1]!.reason).toBe(
      'misses latency.p99 per 10s (worst window 313ms > 200ms), detection.timeToEject per fault (worst fault 1m > 15s), goodput (350/s < 400/s)',
    );
  });
});
