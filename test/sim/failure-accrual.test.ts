import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { simulateReplicationDetailed } from '../../src/sim/run-scenario.js';

describe('Linkerd failure accrual in the simulation', () => {
  it('shuts a failing endpoint after maxFailures, probes it once per probation, and reopens it when it heals', () => {
    const scenario = scenarioSchema.parse({
      name: 'accrual',
      seed: 2,
      duration: '60s',
      clients: { count: 1 },
      arrivals: { kind: 'poisson', rate: 200 },
      service: { instances: 4, serviceTime: { dist: 'exponential', mean: '10ms' } },
      balancer: { kind: 'round_robin' },
      faults: [{ kind: 'errors', instance: 1, at: '10s', for: '20s', rate: 1 }],
      failureAccrual: { maxFailures: 7, minPenalty: '1s', maxPenalty: '8s' },
    });
    let probes = 0;
    let picksWhileShut = 0;
    const r = simulateReplicationDetailed(scenario, 0, scenario.balancer, {
      onPick: (p) => {
        if (p.instance === 1 && !p.eligible) picksWhileShut++;
      },
    });
    const events = r.events.filter((e) => e.instance === 1 && e.kind.startsWith('accrual'));
    const opened = events.find((e) => e.kind === 'accrual_open');
    expect(opened?.time).toBeGreaterThanOrEqual(10_000);
    expect(opened?.cause).toBe('7 consecutive failures');
    for (const e of events) if (e.kind === 'accrual_open' && e.cause === 'probe in flight') probes++;
    expect(probes).toBeGreaterThan(2); // one probe per probation while the fault lasts
    const closed = events.find((e) => e.kind === 'accrual_closed');
    expect(closed?.time).toBeGreaterThanOrEqual(30_000); // only a healthy probe reopens it
    expect(closed!.time).toBeLessThan(30_000 + 8_000 * 1.5 + 1000); // within one capped, jittered wait
    expect(picksWhileShut).toBe(0);
    // Probation waits grow: 1, 2, 4, 8 (capped) s between probes.
    const probeTimes = events.filter((e) => e.cause === 'probe in flight').map((e) => e.time);
    for (let i = 2; i < probeTimes.length; i++) expect(probeTimes[i]! - probeTimes[i - 1]!).toBeGreaterThanOrEqual(probeTimes[1]! - probeTimes[0]! - 1);
  });
});
