/**
 * Assembles a replication's metrics from the counters of a run, so the fast path and the full
 * simulation report through one definition of every metric.
 */
import type { LatencyHistogram } from '../metrics/latency-histogram.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';

const REPORTED_QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** What every run counts. */
export interface TrafficCounters {
  readonly arrived: number;
  /** Requests after the warm-up: T. */
  readonly counted: number;
  readonly completed: number;
  readonly failed: number;
  readonly timedOut: number;
  readonly rejected: number;
  readonly pendingCounted: number;
  readonly lastArrival: number;
  readonly served: Float64Array;
  readonly histogram: LatencyHistogram;
  readonly simulatedTime: number;
}

/** What faults, detectors and recovery add (all zero or NaN on the fast path). */
export type FailureCounters = Pick<ReplicationMetrics, 'faultyInstances' | 'detection' | 'recovery' | 'retries'> & {
  /** r: counted requests that failed an attempt and still succeeded. */
  readonly recovered: number;
};

export function replicationMetrics(scenario: Scenario, t: TrafficCounters, f: FailureCounters): ReplicationMetrics {
  const n = scenario.service.instances;
  const perInstance = Array.from(t.served);
  // With membership, the instance slots some pod occupied (as many as n, or more).
  const slots = perInstance.length;
  const meanServed = perInstance.reduce((a, b) => a + b, 0) / slots;
  const variance = perInstance.reduce((a, b) => a + (b - meanServed) ** 2, 0) / slots;
  const windowEnd = scenario.duration ?? t.lastArrival;
  const windowSeconds = Math.max(0, windowEnd - scenario.warmup) / 1000;
  const [p50, p90, p99, p999] = t.histogram.quantiles(REPORTED_QUANTILES);
  const T = t.counted;
  return {
    T,
    S: n,
    L: T / n,
    F: f.faultyInstances / n,
    R: T > 0 ? f.recovered / T : NaN,
    arrived: t.arrived,
    completed: t.completed,
    failed: t.failed,
    timedOut: t.timedOut,
    rejected: t.rejected,
    inFlightAtEnd: t.pendingCounted,
    throughput: windowSeconds > 0 ? (t.completed + t.failed + t.rejected) / windowSeconds : NaN,
    goodput: windowSeconds > 0 ? t.completed / windowSeconds : NaN,
    availability: T > 0 ? t.completed / T : NaN,
    latency: { mean: t.histogram.mean, p50: p50!, p90: p90!, p99: p99!, p999: p999!, max: t.histogram.max },
    imbalance: {
      maxOverMean: meanServed > 0 ? Math.max(...perInstance) / meanServed : NaN,
      cov: meanServed > 0 ? Math.sqrt(variance) / meanServed : NaN,
    },
    perInstance,
    faultyInstances: f.faultyInstances,
    detection: f.detection,
    recovery: f.recovery,
    retries: f.retries,
    simulatedTime: t.simulatedTime,
  };
}
