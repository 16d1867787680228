/**
 * Metrics over very wide meshes and very many faults are computed without spreading their
 * arrays into one call: Math.max(...perInstance) overflowed the stack at 10⁶ instances (V8
 * takes about 1.2·10⁵ call arguments).
 */
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../src/scenario/load.js';
import { FaultTracker } from '../../src/sim/fault-tracker.js';
import { simulateReplication } from '../../src/sim/run-scenario.js';

describe('replication metrics of a wide mesh', () => {
  it('150 000 instances: the imbalance is computed (once a stack overflow)', () => {
    const { scenario } = resolveScenario({
      name: 'wide', requests: 20, arrivals: { kind: 'poisson', rate: 100 },
      service: { instances: 150_000, serviceTime: { dist: 'constant', value: 1 } }, balancer: { kind: 'round_robin' },
    });
    const metrics = simulateReplication(scenario);
    expect(metrics.perInstance).toHaveLength(150_000);
    // 20 requests on 150 000 instances: the busiest served one, the mean is 20/150 000.
    expect(metrics.imbalance.maxOverMean).toBeCloseTo(150_000 / 20, 6);
  });
});

describe('FaultTracker.summary', () => {
  it('many detected faults: the largest time to detect without a spread', () => {
    const tracker = new FaultTracker(4, false);
    for (let i = 0; i < 200_000; i++) tracker.faultStarted(i, i % 4, 'crash', '');
    for (let instance = 0; instance < 4; instance++) tracker.detected(1_000_000 + instance, instance);
    // Fault i (instance i mod 4) started at i: the earliest of each instance waited longest, 10⁶ ms.
    expect(tracker.summary(Infinity).maxTimeToDetect).toBe(1_000_000);
  });
});
