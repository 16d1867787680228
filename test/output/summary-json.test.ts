import { describe, expect, it } from 'vitest';
import { getMetric, metricPaths } from '../../src/analysis/summarize.js';
import type { RunResult } from '../../src/analysis/types.js';
import type { ReplicationMetrics } from '../../src/metrics/types.js';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import { makeMetrics, makeRun, makeStrategy } from '../helpers/metrics-fixture.js';

/** The same value with every object's keys inserted in reverse order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    ) as T;
  }
  return value;
}

describe('formatSummaryJson', () => {
  it('puts the keys in the order of CONTRACT.md', () => {
    const parsed = JSON.parse(formatSummaryJson(makeRun(3))) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'scenario',
      'seed',
      'replications',
      'meshsimVersion',
      'results',
    ]);
    const results = parsed['results'] as Array<Record<string, unknown>>;
    expect(results).toHaveLength(3);
    for (const result of results) {
      expect(Object.keys(result)).toEqual([
        'balancer',
        'label',
        'metrics',
        'ci95',
        'replicationMetrics',
      ]);
      const metrics = result['metrics'] as ReplicationMetrics;
      expect(Object.keys(result['ci95'] as object)).toEqual(metricPaths(metrics));
      expect(result['replicationMetrics']).toHaveLength(3);
    }
  });

  it('is pretty-printed with two spaces and a trailing newline', () => {
    const text = formatSummaryJson(makeRun(2));
    expect(text.startsWith('{\n  "scenario": "fixture-scenario",\n  "seed": 42,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toContain('\r');
  });

  it('is byte-stable: twice the same text, whatever the insertion order of keys', () => {
    const run = makeRun(4);
    const text = formatSummaryJson(run);
    expect(formatSummaryJson(run)).toBe(text);
    expect(formatSummaryJson(reverseKeys(run))).toBe(text);
  });

  it('round-trips numbers exactly (NaN, e.g. no fault to detect, as null)', () => {
    const run = makeRun(3);
    const parsed = JSON.parse(formatSummaryJson(run)) as RunResult;
    const asWritten = (x: unknown) => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? null : v)));
    expect(parsed.results[1]!.metrics).toEqual(asWritten(run.results[1]!.metrics));
    expect(parsed.results[1]!.ci95).toEqual(asWritten(run.results[1]!.ci95));
  });

  it('writes NaN and Infinity as null, which reads back as NaN', () => {
    const reps = [
      makeMetrics({ latency: { mean: NaN }, imbalance: { maxOverMean: Infinity } }),
      makeMetrics({ latency: { mean: NaN }, imbalance: { maxOverMean: Infinity } }),
    ];
    const run: RunResult = { ...makeRun(2), results: [makeStrategy('random', reps)] };
    const text = formatSummaryJson(run);
    expect(text).not.toMatch(/NaN|Infinity/);
    const parsed = JSON.parse(text) as RunResult;
    const result = parsed.results[0]!;
    expect(getMetric(result.metrics, 'latency.mean')).toBeNaN();
    expect(getMetric(result.metrics, 'imbalance.maxOverMean')).toBeNaN();
    expect(result.ci95['latency.mean']).toBeNull();
    expect(getMetric(result.replicationMetrics[0]!, 'latency.mean')).toBeNaN();
  });

  it('keeps extension keys, after the contract keys and sorted', () => {
    const run = { ...makeRun(1), zExtra: 1, aExtra: 'x' } as RunResult;
    const parsed = JSON.parse(formatSummaryJson(run)) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'scenario',
      'seed',
      'replications',
      'meshsimVersion',
      'aExtra',
      'zExtra',
      'results',
    ]);
  });
});
