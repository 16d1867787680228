/**
 * The SLO recording inside real runs: both event loops count the same requests the metrics
 * count, by arrival step, and the evaluator reads the run's own availability back.
 */
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../../src/scenario/load.js';
import { observeReplication, simulateReplicationDetailed } from '../../src/sim/run-scenario.js';
import { runsOnFastPath } from '../../src/sim/fast-simulation.js';
import { evaluateSlo } from '../../src/slo/evaluate.js';
import { scenarioSlo } from '../../src/slo/plan.js';

const sum = (a: Float64Array) => a.reduce((x, y) => x + y, 0);

const faulty = resolveScenario({
  name: 'slo-recording',
  seed: 3,
  duration: '20s',
  warmup: '2s',
  clients: { count: 2 },
  arrivals: { kind: 'poisson', rate: 400 },
  service: { instances: 4, queueLimit: 20, serviceTime: { dist: 'exponential', mean: '8ms' } },
  timeout: '300ms',
  balancer: { kind: 'round_robin' },
  faults: [{ kind: 'errors', instance: 1, at: '5s', for: '5s', rate: 0.5 }, { kind: 'hang', instance: 2, at: '12s', for: '3s' }],
  retries: { attempts: 2 },
  outlierDetection: { consecutive5xx: 5, interval: '1s', baseEjectionTime: '2s' },
  slo: ['availability >= 99% per 2s', 'latency.p99 <= 100ms over run', 'lost == 0', 'detection.timeToEject <= 2s per fault'],
}).scenario;

describe('SLO recording in the simulations', () => {
  it('counts every counted request once, as the metrics do (full simulation)', () => {
    const { metrics, observation } = observeReplication(faulty);
    expect(runsOnFastPath(faulty, {})).toBe(false);
    expect(sum(observation.counts.total)).toBe(metrics.T);
    expect(sum(observation.counts.completed)).toBe(metrics.completed);
    expect(sum(observation.counts.errors)).toBe(metrics.failed + metrics.rejected);
    expect(sum(observation.counts.timedOut)).toBe(metrics.timedOut);
    expect(sum(observation.counts.retries)).toBeGreaterThan(0);
    expect(sum(observation.counts.retries)).toBeLessThanOrEqual(metrics.retries.sent);
    expect(observation.steps).toBe(18);
    expect(observation.faults.map((f) => [f.instance, f.mode, f.start])).toEqual([
      [1, 'errors', 5000],
      [2, 'hang', 12_000],
    ]);
  });

  it('reads the run’s own availability back over the run, and judges per window and per fault', () => {
    const { metrics, observation } = observeReplication(faulty);
    const objectives = [{ ...scenarioSlo(faulty).objectives[0]!, per: 'run' as const }, ...scenarioSlo(faulty).objectives];
    const verdict = evaluateSlo(objectives, observation);
    expect(verdict.guarantees[0]!.worst!.value).toBe(metrics.availability);
    expect(verdict.guarantees.map((g) => g.judged)).toEqual([1, 17, 1, 1, 2]);
    expect(verdict.guarantees[3]).toMatchObject({ name: 'lost == 0 over run', holds: true, worst: { value: 0 } });
    // Envoy's default 10 % ejection cap ejects none of 4 instances: each fault goes undetected
    // for all of its observed duration.
    expect(verdict.guarantees[4]).toMatchObject({
      holds: false,
      violations: 2,
      worst: { value: 5000, fault: { instance: 1, mode: 'errors', censored: true } },
    });
  });

  it('records the same steps on the fast path as in the full simulation', () => {
    const { scenario } = resolveScenario({
      name: 'fast',
      seed: 5,
      duration: '10s',
      warmup: '1s',
      arrivals: { kind: 'poisson', rate: 900 },
      service: { instances: 3, queueLimit: 5, serviceTime: { dist: 'exponential', mean: '3ms' } },
      timeout: '20ms',
      balancer: { kind: 'random' },
      slo: ['latency.p99 <= 15ms per 1s'],
    });
    expect(runsOnFastPath(scenario, {})).toBe(true);
    const fast = observeReplication(scenario).observation;
    const full = simulateReplicationDetailed(scenario).observation;
    const plain = (o: typeof fast) => JSON.stringify({ ...o, latencies: null, counts: Object.fromEntries(Object.entries(o.counts).map(([k, v]) => [k, Array.from(v)])) });
    expect(plain(fast)).toBe(plain(full));
    const [a, b] = [fast, full].map((o) => evaluateSlo(scenario.slo!, o).guarantees[0]);
    expect(a).toEqual(b);
    expect(sum(fast.counts.errors) + sum(fast.counts.timedOut)).toBeGreaterThan(0);
  });
});
