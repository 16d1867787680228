import { describe, expect, it } from 'vitest';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { simulateReplicationDetailed } from '../../src/sim/run-scenario.js';

// A zone outage that leaves 6 of 16 instances healthy (37.5 %): Envoy's balancers panic below
// the threshold and spread traffic over every host; with the threshold at 0 they never panic.
const outage = (panicThreshold: number | undefined) =>
  scenarioSchema.parse({
    name: 'panic',
    seed: 3,
    duration: '40s',
    clients: { count: 2 },
    arrivals: { kind: 'poisson', rate: 400 },
    service: {
      instances: 16,
      zone: 'a',
      serviceTime: { dist: 'exponential', mean: '10ms' },
      overrides: [{ instances: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15], zone: 'b' }],
    },
    timeout: '1s',
    balancer: { kind: 'round_robin' },
    faults: [{ kind: 'zone', zone: 'b', at: '10s', for: '20s' }],
    healthCheck: { interval: '1s', timeout: '250ms', unhealthyThreshold: 2, healthyThreshold: 2 },
    ...(panicThreshold === undefined ? {} : { panicThreshold }),
  });

describe('healthy panic threshold in the simulation', () => {
  it('panics below 50 % healthy and then picks hosts out of rotation; never outside panic', () => {
    let inPanicPicksOfUnhealthy = 0;
    let violations = 0;
    const r = simulateReplicationDetailed(outage(undefined), 0, undefined, {
      onPick: (p) => {
        if (!p.eligible && p.panic) inPanicPicksOfUnhealthy++;
        if (!p.eligible && !p.panic) violations++;
      },
    });
    expect(r.events.some((e) => e.kind === 'panic_enter' && e.time >= 10_000)).toBe(true);
    expect(r.events.some((e) => e.kind === 'panic_exit' && e.time >= 30_000)).toBe(true);
    expect(inPanicPicksOfUnhealthy).toBeGreaterThan(0);
    expect(violations).toBe(0);
  });

  it('with panicThreshold 0 never panics and sends everything to the survivors', () => {
    let unhealthyPicks = 0;
    const r = simulateReplicationDetailed(outage(0), 0, undefined, {
      onPick: (p) => {
        if (!p.eligible && p.time > 13_000 && p.time < 30_000) unhealthyPicks++;
      },
    });
    expect(r.events.filter((e) => e.kind === 'panic_enter' && e.time > 5_000)).toEqual([]);
    expect(unhealthyPicks).toBe(0);
  });
});
