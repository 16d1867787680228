/**
 * Membership in the event loop (src/sim/dynamic-membership.ts): a pod in a reused slot is a
 * new host to every balancer and detector; a cold pod's warm-up composes with a `slow` fault;
 * the time series counts only slots that hold a pod.
 */
import { describe, expect, it } from 'vitest';
import { createBalancer } from '../../src/balancers/registry.js';
import { PeakEwmaBalancer } from '../../src/balancers/peak-ewma.js';
import type { Balancer } from '../../src/balancers/types.js';
import { resolveScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/schema.js';
import type { SimEvent } from '../../src/sim/fault-tracker.js';
import { TieredEventQueue } from '../../src/engine/event-queue.js';
import { streamFactory } from '../../src/engine/rng.js';
import { FlightTable } from '../../src/model/flight-table.js';
import { Clock } from '../../src/sim/clock.js';
import { Instances } from '../../src/sim/instances.js';
import { simulateReplicationDetailed } from '../../src/sim/run-scenario.js';
import type { PickRecord } from '../../src/sim/simulation.js';

/** Three pods rolled every 5 s: 2·(3 + 1) = 8 slots, so from the second rollout on, new pods take slots old ones held. */
function rolling(extra: Record<string, unknown>, rollouts = [3, 8, 13]): Scenario {
  return resolveScenario({
    name: 'slot reuse',
    seed: 3,
    duration: '25s',
    arrivals: { kind: 'poisson', rate: 300 },
    clients: { count: 2 },
    service: { instances: 3, concurrency: 4, serviceTime: { dist: 'exponential', mean: '5ms' } },
    network: { latency: { dist: 'constant', value: '200us' } },
    balancer: { kind: 'round_robin' },
    membership: {
      pod: { startup: { dist: 'constant', value: '300ms' }, readiness: { period: '1s' }, termination: { preStop: '1s' } },
      strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
      changes: rollouts.map((t) => ({ kind: 'rollout', at: `${t}s` })),
    },
    discovery: { kind: 'xds', debounce: { eds: false }, delivery: { dist: 'uniform', min: '10ms', max: '100ms' } },
    ...extra,
  }).scenario;
}

/** Per slot, the times its pods were created, in order. */
function creations(events: readonly SimEvent[]): Map<number, number[]> {
  const bySlot = new Map<number, number[]>();
  for (const e of events) if (e.kind === 'pod_created') bySlot.set(e.instance, [...(bySlot.get(e.instance) ?? []), e.time]);
  return bySlot;
}

describe('a pod in a reused slot is a new host', () => {
  it('is not ejected for what the slot’s previous pod did (outlier detection)', () => {
    // The initial pods answer 5xx for a second and are ejected by both clients for 30 s; the
    // rollouts replace them, and a later pod takes slot 0 while that ejection would still run.
    const scenario = rolling({
      outlierDetection: { consecutive5xx: 3, baseEjectionTime: '30s', maxEjectionPercent: 100, interval: '1s' },
      faults: [0, 1, 2].map((instance) => ({ kind: 'errors', instance, at: '1s', for: '1s', rate: 1 })),
    });
    const picks: PickRecord[] = [];
    const { events } = simulateReplicationDetailed(scenario, 0, scenario.balancer, { onPick: (p) => picks.push(p) });
    expect(events.some((e) => e.kind === 'ejected' && e.instance === 0)).toBe(true);
    const reused = creations(events).get(0)!;
    expect(reused.length, 'slot 0 held a second pod').toBeGreaterThanOrEqual(1);
    const joined = events.find((e) => e.kind === 'pod_listening' && e.instance === 0)!.time;
    // Within 3 s of listening (discovery takes ≤ 0.1 s), well inside the old pod's 30 s ejection.
    const early = picks.filter((p) => p.instance === 0 && p.time > joined && p.time < joined + 3000);
    expect(early.length).toBeGreaterThan(50);
    expect(early.every((p) => p.eligible)).toBe(true);
    // No event un-ejects the new pod: its host was never ejected.
    expect(events.some((e) => e.kind === 'unejected' && e.instance === 0 && e.time > joined)).toBe(false);
  });

  it('starts a fresh health-check session: one passing check admits it, as Envoy admits a new host', () => {
    // healthyThreshold 4: a host that has failed needs 4 passes (≥ 900 ms); a new host needs its first.
    // Pods start at once and are Ready at their first probe, so discovery adds them before 4 passes could.
    const scenario = rolling({
      healthCheck: { interval: '300ms', timeout: '100ms', healthyThreshold: 4, unhealthyThreshold: 2 },
      membership: {
        pod: { readiness: { period: '1s' }, termination: { preStop: '1s' } },
        strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
        changes: [3, 8, 13].map((t) => ({ kind: 'rollout', at: `${t}s` })),
      },
    });
    const { events } = simulateReplicationDetailed(scenario, 0, scenario.balancer);
    const ready = events.filter((e) => e.kind === 'pod_ready' && e.instance === 0).map((e) => e.time);
    expect(ready.length).toBeGreaterThanOrEqual(1);
    for (const t of ready) {
      const healthy = events.filter((e) => e.kind === 'hc_healthy' && e.instance === 0 && e.time >= t);
      expect(healthy.length).toBeGreaterThan(0);
      // Discovery adds it ≤ 100 ms after Ready; the next check (an interval later at most) admits it.
      expect(healthy[0]!.time - t).toBeLessThan(100 + 2 * 300);
      // No verdict on the slot between its new pod's creation and Ready: no client knows the host.
      const created = creations(events).get(0)!.filter((c) => c < t).at(-1)!;
      expect(events.filter((e) => e.kind.startsWith('hc_') && e.instance === 0 && e.time > created + 200 && e.time < t)).toEqual([]);
    }
  });

  it('peak_ewma: a new pod in the slot of a slow one starts at the default RTT, not the old estimate', () => {
    // The initial pods are 40× slow; every client's estimate of them is hundreds of ms.
    const scenario = rolling({ balancer: { kind: 'peak_ewma' }, faults: [0, 1, 2].map((instance) => ({ kind: 'slow', instance, at: '0s', for: '3s', factor: 40 })) });
    const added: Array<{ id: number; estimate: number; at: number }> = [];
    const build = (config: Parameters<typeof createBalancer>[0], deps: Parameters<typeof createBalancer>[1]): Balancer => {
      const balancer = createBalancer(config, deps) as PeakEwmaBalancer;
      let listed = new Set<number>();
      const joined = (endpoints: readonly { id: number }[]) => {
        for (const e of endpoints) if (!listed.has(e.id)) added.push({ id: e.id, estimate: balancer.rtt.estimate(balancer.rtt.slot(e.id)), at: deps.now() });
      };
      const set = balancer.setEndpoints.bind(balancer);
      balancer.setEndpoints = (endpoints) => {
        set(endpoints);
        joined(endpoints);
        listed = new Set(endpoints.map((e) => e.id));
      };
      // peak_ewma takes updates itself: the simulation tells it of pods one change at a time.
      const update = balancer.updateEndpoints.bind(balancer);
      balancer.updateEndpoints = (changed, removed) => {
        update(changed, removed);
        for (const id of removed) listed.delete(id);
        joined(changed);
        for (const e of changed) listed.add(e.id);
      };
      return balancer;
    };
    const { events } = simulateReplicationDetailed(scenario, 0, scenario.balancer, { createBalancer: build });
    const reusedAt = creations(events).get(0)![0]!;
    const rejoined = added.filter((a) => a.id === 0 && a.at > reusedAt);
    expect(rejoined.length).toBe(2); // once per client
    for (const a of rejoined) expect(a.estimate).toBe(30); // Linkerd's default RTT
  });

  it('never takes a slot while a client still waits for a response from it', () => {
    // A long network latency: responses of an ended pod can be on the way when its slot frees.
    const scenario = rolling({ network: { latency: { dist: 'constant', value: '400ms' } }, timeout: '5s' }, [3, 5, 7, 9, 11]);
    const changes: Array<{ time: number; instance: number; delta: number }> = [];
    const { events } = simulateReplicationDetailed(scenario, 0, scenario.balancer, {
      onPick: (p) => changes.push({ time: p.time, instance: p.instance, delta: 1 }),
      onAttemptEnd: (a) => changes.push({ time: a.time, instance: a.instance, delta: -1 }),
    });
    const reused = [...creations(events).entries()].flatMap(([slot, times]) => times.map((time) => ({ slot, time })));
    expect(reused.filter((r) => r.slot < 3).length, 'pods took slots the initial ones held').toBeGreaterThan(0);
    for (const { slot, time } of reused) {
      const waiting = changes.filter((c) => c.instance === slot && c.time < time).reduce((sum, c) => sum + c.delta, 0);
      expect(waiting, `slot ${slot} at ${time} ms`).toBe(0);
    }
  });
});

describe('membership beside faults and in the time series', () => {
  it('a cold pod’s warm-up multiplies a `slow` fault on its slot rather than replacing it', () => {
    const scenario = rolling({});
    const instances = new Instances(scenario, new FlightTable(4), new Clock(), new TieredEventQueue(4), streamFactory(1, 0)('errors'), [], null, 3);
    instances.setFaultSlowdown(0, 3);
    instances.setWarmupSlowdown(0, 4);
    expect(instances.slowFactor[0]).toBe(12);
    instances.setFaultSlowdown(0, 1); // the fault ends mid warm-up
    expect(instances.slowFactor[0]).toBe(4);
    instances.setFaultSlowdown(0, 3);
    instances.markListening(0); // a new process: warm-up starts over, the fault on the slot stays
    expect(instances.slowFactor[0]).toBe(3);
  });

  it('counts as unhealthy only the slots that hold a pod', () => {
    const scenario = rolling({ healthCheck: { interval: '200ms', timeout: '100ms', healthyThreshold: 1, unhealthyThreshold: 2 } });
    const { timeseries } = simulateReplicationDetailed(scenario, 0, scenario.balancer);
    // Before the first rollout every pod passes its checks; 5 of the 8 slots hold nothing.
    const steady = timeseries.filter((row) => row.end >= 2000 && row.end <= 3000);
    expect(steady.length).toBeGreaterThan(0);
    for (const row of steady) expect(row.unhealthy).toBe(0);
    for (const row of timeseries) expect(row.unhealthy).toBeLessThanOrEqual(3 + 1 + 3);
  });
});

describe('utilisation and imbalance with pods that come and go', () => {
  it('measure each slot over the time a pod listened there, not over the whole run', () => {
    // Three rollouts move the pods between slots: over the whole run each slot is idle for a
    // part of it, which made round robin look imbalanced (CoV 0.5) and the busiest slot less
    // busy than the mean. Per listening time, round robin's equal split shows as one.
    const scenario = rolling({});
    const { metrics } = simulateReplicationDetailed(scenario, 0, scenario.balancer);
    const rho = metrics.perInstanceUtilisation.filter((x) => Number.isFinite(x));
    expect(rho.length).toBeGreaterThan(3);
    // λ·E[S]/(pods·c) = 300 · 5 ms / (3 · 4) = 0.125 over the pods serving at any time.
    expect(metrics.utilisation).toBeGreaterThan(0.1);
    expect(metrics.utilisation).toBeLessThan(0.15);
    expect(Math.max(...rho)).toBeGreaterThanOrEqual(metrics.utilisation);
    // Round robin over 3–4 pods and 2 clients: served per listening ms within a few percent.
    expect(metrics.imbalance.cov).toBeLessThan(0.15);
  });
});
