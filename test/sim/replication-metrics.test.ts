import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/metrics/latency-histogram.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { replicationMetrics } from '../../src/sim/replication-metrics.js';
import { FaultTracker } from '../../src/sim/fault-tracker.js';

const NO_FAILURES = {
  recovered: 0,
  faultyInstances: 0,
  detection: { meanTimeToDetect: NaN, maxTimeToDetect: NaN, missed: 0, falsePositives: 0 },
  recovery: { recoveredRequests: 0, meanTimeToRecover: NaN, maxTimeToRecover: NaN, restarts: 0 },
  retries: { sent: 0, budgetRefused: 0, attempts: 0, circuitBreakerOverflows: 0 },
} as const;

describe('replicationMetrics', () => {
  it('a million instances: imbalance without spreading them into one call (once a stack overflow)', () => {
    const n = 1_000_000;
    const { scenario } = resolveScenario({
      name: 'wide', requests: 10, arrivals: { kind: 'poisson', rate: 100 },
      service: { instances: n, serviceTime: { dist: 'constant', value: 1 } }, balancer: { kind: 'random' },
    });
    const served = new Float64Array(n).fill(1);
    served[n - 1] = 5;
    const metrics = replicationMetrics(
      scenario,
      { arrived: n, counted: n, completed: n, failed: 0, timedOut: 0, rejected: 0, pendingCounted: 0, lastArrival: 1000, served, histogram: new LatencyHistogram(), simulatedTime: 1000 },
      NO_FAILURES as never,
    );
    const mean = (n + 4) / n;
    expect(metrics.imbalance.maxOverMean).toBeCloseTo(5 / mean, 12);
    expect(metrics.perInstance).toHaveLength(n);
  });
});

describe('FaultTracker.summary', () => {
  it('many detected faults: the largest time to detect without a spread', () => {
    const tracker = new FaultTracker(4, false);
    for (let i = 0; i < 200_000; i++) tracker.faultStarted(i, i % 4, 'crash', '');
    for (let instance = 0; instance < 4; instance++) tracker.detected(1_000_000 + instance, instance);
    // Fault i (instance i mod 4) started at i: the earliest of each instance waited longest, 10⁶ ms.
    expect(tracker.summary().maxTimeToDetect).toBe(1_000_000);
  });
});
