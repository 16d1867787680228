/**
 * HealthViews keeps each client's rotation change by change: its per-instance counts must
 * equal a recount from scratch, every balancer must hold exactly the set a full rebuild would
 * give it, and a whole simulation with incremental updates must equal, event for event, the
 * same simulation with every balancer rebuilt from its full endpoint set on every change.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Balancer, Endpoint } from '../../src/balancers/types.js';
import { createBalancer } from '../../src/balancers/registry.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { FaultTracker } from '../../src/sim/fault-tracker.js';
import { HealthViews } from '../../src/sim/health-views.js';
import { Simulation } from '../../src/sim/simulation.js';
import { anyBalancer } from '../helpers/balancer-arbitraries.js';
import { fault } from '../property/arbitraries.js';
import { fullRebuildOnly } from '../helpers/full-rebuild.js';

/** A balancer that only records the set it has, applying updates as the contract defines them. */
class RecordingBalancer implements Balancer {
  readonly set = new Map<number, Endpoint>();
  fullSets = 0;
  constructor(readonly healthAware: boolean) {}
  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.fullSets++;
    this.set.clear();
    for (const e of endpoints) this.set.set(e.id, e);
  }
  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    for (const id of removed) this.set.delete(id);
    for (const e of changed) this.set.set(e.id, e);
  }
  pick(): number {
    return -1;
  }
}

type Verdict = { what: 'hc' | 'eject' | 'accrue' | 'suspect'; client: number; instance: number; on: boolean };

describe('HealthViews', () => {
  it('keeps every balancer and every count as a recount from scratch would (property)', () => {
    const N = 6;
    const C = 3;
    const verdict: fc.Arbitrary<Verdict> = fc.record({
      what: fc.constantFrom('hc', 'eject', 'accrue', 'suspect'),
      client: fc.integer({ min: -1, max: C - 1 }),
      instance: fc.integer({ min: 0, max: N - 1 }),
      on: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.boolean(), fc.array(fc.boolean(), { minLength: C, maxLength: C }), fc.array(verdict, { maxLength: 60 }), (withChecks, aware, verdicts) => {
        const scenario = scenarioSchema.parse({
          name: 'views',
          requests: 1,
          arrivals: { kind: 'poisson', rate: 1 },
          service: { instances: N, serviceTime: { dist: 'exponential', mean: 1 } },
          clients: { count: C },
          balancer: { kind: 'random' },
          ...(withChecks ? { healthCheck: { interval: 1000, timeout: 100, unhealthyThreshold: 1, healthyThreshold: 1 } } : {}),
        });
        const clients = aware.map((healthAware, index) => ({ index, balancer: new RecordingBalancer(healthAware) }));
        const tracker = new FaultTracker(N, true);
        const views = new HealthViews(scenario, clients, tracker, () => true, () => 0);
        views.initialise();
        const hc = Array.from({ length: C }, () => new Array<boolean>(N).fill(withChecks));
        const ejected = Array.from({ length: C }, () => new Array<boolean>(N).fill(false));
        const accrued = Array.from({ length: C }, () => new Array<boolean>(N).fill(false));
        const suspected = new Array<boolean>(N).fill(false);
        for (const v of verdicts) {
          const c = Math.max(0, v.client);
          if (v.what === 'hc') {
            views.setHealthCheckFailed(v.client, v.instance, v.on, 'test');
            for (const k of v.client < 0 ? [0, 1, 2] : [c]) hc[k]![v.instance] = v.on;
          } else if (v.what === 'eject') {
            views.setEjected(c, v.instance, v.on, 'test');
            ejected[c]![v.instance] = v.on;
          } else if (v.what === 'accrue') {
            views.setAccrued(c, v.instance, v.on, 'accrual_open', 'test');
            accrued[c]![v.instance] = v.on;
          } else {
            views.setSuspected(v.instance, v.on, 'test');
            suspected[v.instance] = v.on;
          }
          const eligible = (k: number, i: number) => !hc[k]![i] && !ejected[k]![i] && !accrued[k]![i] && !suspected[i];
          for (const { index: k, balancer } of clients) {
            const expected = [...Array(N).keys()].filter((i) => balancer.healthAware || eligible(k, i));
            expect([...balancer.set.keys()].sort((a, b) => a - b)).toEqual(expected);
            for (const i of expected) expect(balancer.set.get(i)!.healthy).toBe(eligible(k, i));
            expect(balancer.fullSets).toBe(1); // only initialise gave a full set
            for (let i = 0; i < N; i++) expect(views.isEligible(k, i)).toBe(eligible(k, i));
          }
          const someClient = (flags: boolean[][], i: number) => flags.some((row) => row[i]);
          expect(views.counts()).toEqual({
            ejected: [...Array(N).keys()].filter((i) => someClient(ejected, i)).length,
            unhealthy: [...Array(N).keys()].filter((i) => suspected[i] || someClient(hc, i)).length,
          });
          for (let i = 0; i < N; i++) expect(views.ejectedCount(i)).toBe(ejected.filter((row) => row[i]).length);
        }
      }),
      { numRuns: 150 },
    );
  });
});


describe('incremental health views in the simulation', () => {
  it('give exactly the run that rebuilding every balancer on every change gives, for every balancer kind (property)', () => {
    const scenarios = fc
      .record({
        seed: fc.nat(1000),
        instances: fc.integer({ min: 2, max: 24 }),
        clients: fc.integer({ min: 1, max: 4 }),
        balancer: anyBalancer,
        priorities: fc.boolean(),
        checker: fc.constantFrom('per-client', 'central'),
      })
      .chain((p) => fc.array(fault(p.instances, 12_000), { minLength: 1, maxLength: 4 }).map((faults) => ({ ...p, faults })))
      .map((p) =>
        scenarioSchema.parse({
          name: 'incremental',
          seed: p.seed,
          duration: '12s',
          clients: { count: p.clients, zones: ['zone-a', 'zone-b'] },
          arrivals: { kind: 'poisson', rate: p.instances * 30 },
          service: {
            instances: p.instances,
            zone: 'zone-a',
            serviceTime: { dist: 'exponential', mean: '10ms' },
            overrides: [{ instances: [0], zone: 'zone-b', weight: 3 }, ...(p.priorities ? [{ instances: [1], priority: 1 }] : [])],
          },
          network: { latency: { dist: 'constant', value: '200us' } },
          timeout: '500ms',
          balancer: p.balancer,
          faults: p.faults,
          restart: { startupTime: '300ms' },
          healthCheck: { interval: '400ms', timeout: '100ms', unhealthyThreshold: 2, healthyThreshold: 1, checker: p.checker },
          outlierDetection: { consecutive5xx: 3, interval: '1s', baseEjectionTime: '1s', maxEjectionPercent: 50 },
          heartbeat: { interval: '500ms', detector: { kind: 'timeout', after: '1500ms' } },
          retries: { attempts: 1 },
        }),
      );
    fc.assert(
      fc.property(scenarios, (s) => {
        const options = { recordEvents: true, recordTimeSeries: true };
        const incremental = new Simulation(s, s.balancer, 0, options).run();
        const full = new Simulation(s, s.balancer, 0, { ...options, createBalancer: (c, d) => fullRebuildOnly(createBalancer(c, d)) }).run();
        expect(incremental.events.length).toBeGreaterThan(0);
        expect(JSON.stringify(incremental)).toBe(JSON.stringify(full));
      }),
      { numRuns: 40 },
    );
  });
});
