/**
 * Small builders of metric records and run results for analysis and output tests.
 */
import { summarizeReplications } from '../../src/analysis/summarize.js';
import type { RunResult, StrategyResult } from '../../src/analysis/types.js';
import type { LatencyMetrics, ReplicationMetrics } from '../../src/metrics/types.js';

export type MetricsOverrides = Partial<Omit<ReplicationMetrics, 'latency' | 'imbalance'>> & {
  latency?: Partial<LatencyMetrics>;
  imbalance?: Partial<ReplicationMetrics['imbalance']>;
};

/** A plausible, internally consistent record of 4 instances and 1000 requests. */
export function makeMetrics(overrides: MetricsOverrides = {}): ReplicationMetrics {
  const { latency, imbalance, ...flat } = overrides;
  return {
    T: 1000,
    S: 4,
    L: 250,
    F: 0,
    R: 0.01,
    arrived: 1100,
    completed: 990,
    failed: 2,
    timedOut: 5,
    rejected: 3,
    inFlightAtEnd: 0,
    offered: 100,
    goodput: 99,
    availability: 0.99,
    latency: { mean: 12.5, p50: 10, p90: 20, p95: 30, p99: 45, p999: 80, max: 120, ...latency },
    imbalance: { maxOverMean: 1.1, cov: 0.05, ...imbalance },
    perInstance: [240, 250, 260, 240],
    utilisation: 0.5,
    perInstanceUtilisation: [0.48, 0.5, 0.52, 0.48],
    faultyInstances: 0,
    detection: { faults: 0, meanTimeToDetect: NaN, maxTimeToDetect: NaN, missed: 0, falsePositives: 0 },
    recovery: {
      recoveredRequests: 10,
      requestsMeetingFailure: 12,
      meanTimeToRecover: NaN,
      maxTimeToRecover: NaN,
      unrecovered: 0,
      incidents: 0,
      serviceTimeToRecover: NaN,
      serviceUnrecovered: 0,
      restarts: 0,
    },
    retries: { sent: 0, budgetRefused: 0, circuitBreakerOverflows: 0, attempts: 1000, maxAttemptsPerRequest: 1 },
    slo: { met: 1, margin: 0.5, objectives: [{ met: 1, margin: 0.5, value: 0.9995 }] },
    simulatedTime: 10_000,
    ...flat,
  };
}

/** Replication `i` of a strategy: latencies and loads shifted by a deterministic amount. */
export function makeReplication(i: number, scale = 1): ReplicationMetrics {
  const wobble = ((i * 7) % 5) - 2; // -2..2, not monotone in i
  return makeMetrics({
    T: 1000 + 10 * wobble,
    completed: 990 + 10 * wobble,
    goodput: 99 + wobble,
    latency: {
      mean: scale * (12.5 + wobble),
      p50: scale * (10 + wobble),
      p90: scale * (20 + wobble),
      p95: scale * (30 + 2 * wobble),
      p99: scale * (45 + 3 * wobble),
      p999: scale * (80 + 5 * wobble),
      max: scale * (120 + 7 * wobble),
    },
    perInstance: [240 + wobble, 250 - wobble, 260, 240 + 2 * wobble],
  });
}

export function makeStrategy(
  label: string,
  replicationMetrics: ReplicationMetrics[],
  balancer = label.replace(/\(.*$/, ''),
): StrategyResult {
  const { metrics, ci95 } = summarizeReplications(replicationMetrics);
  return { balancer, label, metrics, ci95, replicationMetrics };
}

export const DEFAULT_LABELS = ['round_robin', 'least_request(choices=2)', 'random'] as const;

export function makeRun(
  replications: number,
  labels: readonly string[] = DEFAULT_LABELS,
): RunResult {
  return {
    meshsimVersion: '0.1.0',
    scenario: 'fixture-scenario',
    seed: 42,
    replications,
    results: labels.map((label, s) =>
      makeStrategy(
        label,
        Array.from({ length: replications }, (_, i) => makeReplication(i, 1 + s / 2)),
      ),
    ),
  };
}
