import { describe, expect, it } from 'vitest';
import { PodMetrics } from '../../src/autoscale/pod-metrics.js';
import { HorizontalPodAutoscaler, HPA_CONTROLLER_DEFAULTS, type HpaObservation } from '../../src/autoscale/hpa.js';
import { HpaController } from '../../src/autoscale/hpa-controller.js';
import { advanceUntil, TimedGroup } from '../../src/engine/timed-model.js';

describe('PodMetrics (metrics-server rates)', () => {
  it('gives each pod the rate over the last interval from its second scrape on', () => {
    let pods = [1];
    // Pod 1 burns 0.5 core, pod 2 (from 20 s) 0.25 core: busy ms per ms.
    const usage = (pod: number, now: number) => (pod === 1 ? 0.5 * now : 0.25 * (now - 20_000));
    const m = new PodMetrics({ interval: 15_000, firstScrapeAt: 5000, scale: 1000 }, () => pods, usage);
    advanceUntil(m, 5000);
    expect(m.latest().size).toBe(0);
    advanceUntil(m, 20_000);
    expect(m.latest().get(1)).toEqual({ value: 500, timestamp: 20_000, window: 15_000 });
    pods = [1, 2];
    advanceUntil(m, 35_000);
    expect(m.latest().has(2)).toBe(false); // first reading at 35 s
    advanceUntil(m, 50_000);
    expect(m.latest().get(2)!.value).toBeCloseTo(250);
    pods = [2];
    advanceUntil(m, 65_000);
    expect([...m.latest().keys()]).toEqual([2]);
  });
});

describe('HpaController', () => {
  it('reconciles on its grid and scales the target when it decides to', () => {
    let replicas = 2;
    const { syncPeriod, ...flags } = HPA_CONTROLLER_DEFAULTS;
    const hpa = new HorizontalPodAutoscaler({ minReplicas: 1, maxReplicas: 10, metrics: [{ kind: 'cpu-utilization', target: 50 }], behavior: null, ...flags });
    const pods = () => Array.from({ length: replicas }, (_, id) => ({ id, phase: 'Running' as const, deleting: false, ready: true, readyTransitionTime: -1e9, startTime: -1e9, cpuRequest: 1000 }));
    const metrics = new PodMetrics({ interval: 15_000, firstScrapeAt: 0, scale: 1000 }, () => pods().map((p) => p.id), (_pod, now) => 0.9 * now);
    const observe = (): HpaObservation => ({ specReplicas: replicas, pods: pods(), samples: [metrics.latest()] });
    const controller = new HpaController(hpa, syncPeriod, 7000, observe, (n) => (replicas = n));
    advanceUntil(new TimedGroup([metrics, controller]), 60_000);
    expect(controller.decisions().map((d) => [d.time, d.desired])).toEqual([
      [7000, 2], // no samples yet: FailedGetMetrics
      [22_000, 4], // 90 % / 50 % → 1.8 · 2 → 4
      // The two new pods were first scraped at 30 s: missing at 37 s, counted as 0 % on a way
      // up, 1800 m / 4000 m = 45 % < 50 % flips the direction: hold.
      [37_000, 4],
      [52_000, 8],
    ]);
  });
});
