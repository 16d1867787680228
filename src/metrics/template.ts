/**
 * A metrics record with every field and NaN everywhere: the shape of a run's metrics before
 * the run, so flags that name a metric path (`--metric`) are checked before minutes of
 * simulation. The type checker keeps it complete: a field added to ReplicationMetrics fails
 * to compile here until it is added.
 */
import type { ReplicationMetrics } from './types.js';

export function metricsTemplate(instances: number, objectives: number): ReplicationMetrics {
  const x = NaN;
  return {
    T: x,
    S: x,
    L: x,
    F: x,
    R: x,
    arrived: x,
    completed: x,
    failed: x,
    timedOut: x,
    rejected: x,
    inFlightAtEnd: x,
    offered: x,
    goodput: x,
    availability: x,
    latency: { mean: x, p50: x, p90: x, p95: x, p99: x, p999: x, max: x },
    imbalance: { maxOverMean: x, cov: x },
    perInstance: Array.from({ length: instances }, () => x),
    utilisation: x,
    perInstanceUtilisation: Array.from({ length: instances }, () => x),
    faultyInstances: x,
    detection: { faults: x, meanTimeToDetect: x, maxTimeToDetect: x, missed: x, falsePositives: x },
    recovery: {
      recoveredRequests: x,
      requestsMeetingFailure: x,
      meanTimeToRecover: x,
      maxTimeToRecover: x,
      unrecovered: x,
      incidents: x,
      serviceTimeToRecover: x,
      serviceUnrecovered: x,
      restarts: x,
    },
    retries: { sent: x, budgetRefused: x, circuitBreakerOverflows: x, attempts: x, maxAttemptsPerRequest: x },
    slo: { met: x, margin: x, objectives: Array.from({ length: objectives }, () => ({ met: x, margin: x, value: x })) },
    simulatedTime: x,
  };
}
