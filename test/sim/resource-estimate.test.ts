/**
 * The pre-run estimate: events follow the scenario's own arithmetic, and the memory estimate
 * is an upper bound of what simulations really keep, measured after GC in a child process
 * (--expose-gc) for the shapes that make memory large: many instances, many clients with
 * per-client health checks, a big zipf key table, a backlog of requests in flight, and pods
 * that come and go (slots × clients, pods over the run).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { balancerConfig } from '../../src/balancers/configs.js';
import { resolveScenario } from '../../src/scenario/load.js';
import { arrivalsOf, combineEstimates, estimateScenario, horizonOf } from '../../src/sim/resource-estimate.js';

const root = new URL('../..', import.meta.url).pathname;

const BASE = {
  name: 'estimate',
  arrivals: { kind: 'poisson', rate: 1000 },
  service: { instances: 10, serviceTime: { dist: 'exponential', mean: '5ms' } },
  balancer: { kind: 'round_robin' },
};
const scenario = (extra: Record<string, unknown>) => resolveScenario({ ...BASE, ...extra }).scenario;

describe('estimated events', () => {
  it('four per request, times replications and strategies; duration × rate or `requests`', () => {
    const byRequests = scenario({ requests: 50_000, replications: 3 });
    const two = [balancerConfig.parse({ kind: 'random' }), balancerConfig.parse({ kind: 'round_robin' })];
    expect(estimateScenario(byRequests, two).events).toBe(4 * 50_000 * 3 * 2);
    expect(estimateScenario(byRequests, two).simulations).toBe(6);
    const byDuration = scenario({ duration: '20s' });
    expect(arrivalsOf(byDuration)).toEqual({ arrivals: 20_000, span: 20_000 });
    expect(estimateScenario(byDuration, [byDuration.balancer]).events).toBe(80_000);
  });

  it('a trace counts its timestamps within the duration', () => {
    const trace = scenario({ duration: '2s', arrivals: { kind: 'trace', times: [0, 500, 1500, 2000, 2500, 9000] } });
    expect(arrivalsOf(trace)).toEqual({ arrivals: 4, span: 2000 });
  });

  it('retries at their worst, periodic checks per checker and instance, random faults per cycle, windows with details', () => {
    const s = scenario({
      duration: '100s',
      clients: { count: 4 },
      retries: { attempts: 2 },
      healthCheck: { interval: '1s', timeout: '100ms', unhealthyThreshold: 2, healthyThreshold: 2 },
      faults: [{ kind: 'random', mttf: '9s', mttr: '1s' }],
      // A restart may still be pending after the last arrival: the run (and its checks) go on 20 s more.
      restart: { backoff: { initial: '10s', max: '20s' } },
      timeseries: { window: '10ms' },
    });
    expect(horizonOf(s)).toEqual({ horizon: 120_000, tailCause: undefined });
    const drivers = Object.fromEntries(estimateScenario(s, [s.balancer], { details: true }).eventDrivers.map((d) => [d.what, d.amount]));
    expect(drivers).toEqual({
      requests: 100_000 * 3 * 4,
      'health checks': 2 * 4 * 10 * 120,
      // round_robin takes each (client, instance) pair's first verdict as one endpoint update.
      'endpoint updates': 30 * 4 * 10,
      'random faults': 2 * 10 * 12,
      'time-series windows': 12_000,
    });
  });

  it('health checks in front of a balancer without updateEndpoints rebuild its list at every change (clients × instances²)', () => {
    const s = scenario({ duration: '10s', clients: { count: 4 }, healthCheck: { interval: '1s', timeout: '100ms', unhealthyThreshold: 2, healthyThreshold: 2 } });
    const driver = (strategies: Parameters<typeof estimateScenario>[1]) =>
      estimateScenario(s, strategies).eventDrivers.find((d) => d.what.startsWith('endpoint'))!;
    expect(driver([balancerConfig.parse({ kind: 'least_request' })])).toMatchObject({ what: 'endpoint updates', amount: 30 * 4 * 10 });
    // One strategy that rebuilds is enough: the estimate is for the slowest.
    const mixed = [balancerConfig.parse({ kind: 'least_request' }), balancerConfig.parse({ kind: 'ring_hash' })];
    expect(driver(mixed)).toMatchObject({ what: 'endpoint-list rebuilds', amount: 10 * 4 * 10 * 10 });
  });

  it('a timeout longer than the arrivals keeps the run, its checks and its windows going: it is to blame', () => {
    const s = scenario({ requests: 1000, timeout: '1h', timeseries: { window: '1ms' } });
    expect(horizonOf(s)).toEqual({ horizon: 1000 + 3_600_000, tailCause: ['timeout'] });
    const windows = estimateScenario(s, [s.balancer], { details: true }).resultDrivers.find((d) => d.what.startsWith('time-series windows'));
    expect(windows?.path).toEqual(['timeout']);
  });

  it('membership: work over the instance slots, and pod changes, probes, DNS refreshes and autoscaler syncs', () => {
    const s = scenario({
      duration: '100s',
      clients: { count: 4 },
      healthCheck: { interval: '1s', timeout: '100ms', unhealthyThreshold: 2, healthyThreshold: 2 },
      membership: { pod: { readiness: { period: '2s' } }, changes: [{ kind: 'rollout', at: '10s' }, { kind: 'scale', at: '50s', replicas: 14 }] },
      discovery: { kind: 'dns', client: { kind: 'strict-dns', refreshRate: '5s' } },
      autoscaling: { kind: 'hpa', minReplicas: 2, maxReplicas: 20 },
    });
    // Slots: 2 · (20 + ⌈25 % · 20⌉) = 50.
    const slots = 50;
    const drivers = Object.fromEntries(estimateScenario(s, [s.balancer]).eventDrivers.map((d) => [d.what, d.amount]));
    // Pods: 10 initial, 11 for the rollout, 4 for the scale-up, and 50 slots' turnover per 300 s of the HPA's window.
    const pods = 10 + 11 + 4 + (slots * 100) / 300;
    expect(drivers).toEqual({
      requests: 100_000 * 4,
      'health checks': 2 * 4 * slots * 100,
      'endpoint updates': 30 * 4 * slots, // round robin takes each change itself
      'pod changes and endpoint updates': pods * 7 * (1 + 4),
      'readiness probes': (slots * 100) / 2,
      'DNS refreshes': (4 * 100) / 5,
      // A sync every 15 s and a CPU scrape every 15 s.
      'autoscaler syncs and scrapes': 100 / 15 + 100 / 15,
    });
    const memory = estimateScenario(s, [s.balancer]).memoryDrivers.find((d) => d.what === 'per-slot state');
    expect(memory?.path).toEqual(['autoscaling', 'maxReplicas']);
  });

  it('a sweep adds its cells up; the peak is the largest cell', () => {
    const small = estimateScenario(scenario({ requests: 1000 }), [balancerConfig.parse({ kind: 'random' })]);
    const large = estimateScenario(scenario({ requests: 1000, service: { instances: 100_000, serviceTime: { dist: 'constant', value: 1 } } }), [balancerConfig.parse({ kind: 'random' })]);
    const both = combineEstimates([small, large]);
    expect(both.events).toBe(small.events + large.events);
    expect(both.simulationBytes).toBe(large.simulationBytes);
    expect(both.resultBytes).toBe(small.resultBytes + large.resultBytes);
  });
});

const measure = `
import { resolveScenario } from ${JSON.stringify(join(root, 'dist/src/scenario/load.js'))};
import { FastSimulation } from ${JSON.stringify(join(root, 'dist/src/sim/fast-simulation.js'))};
import { Simulation } from ${JSON.stringify(join(root, 'dist/src/sim/simulation.js'))};
import { estimateScenario } from ${JSON.stringify(join(root, 'dist/src/sim/resource-estimate.js'))};
const used = () => { globalThis.gc(); globalThis.gc(); const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
const input = JSON.parse(process.argv[1]);
{
  const { scenario } = resolveScenario(input);
  // Pods that come and go take the full simulation, and their views and models grow as they run.
  const dynamic = scenario.membership !== undefined || scenario.discovery !== undefined || scenario.autoscaling !== undefined;
  const fast = scenario.healthCheck === undefined && !dynamic;
  const before = used();
  const sim = fast ? new FastSimulation(scenario, scenario.balancer, 0, {}) : new Simulation(scenario, scenario.balancer, 0, {});
  let kept = used() - before;
  // Per-client health checks rebuild every client's endpoints as checks pass (O(clients · n²)):
  // their memory is all there once built, so that case is measured before the run.
  if (fast || dynamic) {
    sim.run();
    kept = Math.max(kept, used() - before);
  }
  console.log(JSON.stringify({ kept, estimated: estimateScenario(scenario, [scenario.balancer]).simulationBytes, sim: typeof sim }));
}
`;

describe('estimated memory', () => {
  it('is at least what a simulation keeps, for the shapes that make memory large', () => {
    const service = (instances: number) => ({ instances, serviceTime: { dist: 'exponential', mean: '10ms' } });
    const cases = [
      { ...BASE, name: 'instances', requests: 2000, service: service(200_000) },
      {
        ...BASE, name: 'clients', requests: 2000, clients: { count: 100 }, service: service(2000),
        healthCheck: { interval: '100s', timeout: '1s', unhealthyThreshold: 2, healthyThreshold: 2 },
      },
      { ...BASE, name: 'keys', requests: 2000, arrivals: { kind: 'poisson', rate: 100, keys: { kind: 'zipf', count: 2_000_000 } }, balancer: { kind: 'ring_hash' } },
      { ...BASE, name: 'backlog', duration: '20s', drain: 0, arrivals: { kind: 'poisson', rate: 3000 }, service: service(4) },
      // Pods that come and go: many clients × slots, many pods with few clients, and many clients over few slots.
      {
        ...BASE, name: 'membership', duration: '20s', clients: { count: 50 }, service: service(400),
        membership: { changes: [{ kind: 'rollout', at: '2s' }, { kind: 'scale', at: '8s', replicas: 600 }] },
      },
      { ...BASE, name: 'many pods', duration: '20s', clients: { count: 2 }, service: service(3000), membership: { changes: [{ kind: 'rollout', at: '2s' }] } },
      { ...BASE, name: 'many sidecars', duration: '20s', clients: { count: 200 }, service: service(50), membership: { changes: [{ kind: 'rollout', at: '2s' }] } },
    ];
    // One process per case, so no case measures another's garbage.
    for (const input of cases) {
      const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', measure, JSON.stringify(input)], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const { kept, estimated } = JSON.parse(r.stdout) as { kept: number; estimated: number };
      // An upper bound, and not a wild one: within 4× of what was kept (plus the 1 MB engine base).
      expect(estimated, input.name).toBeGreaterThanOrEqual(kept);
      expect(estimated, input.name).toBeLessThan(4 * kept + 2e6);
    }
  });
});
