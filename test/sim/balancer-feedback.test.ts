import { describe, expect, it } from 'vitest';
import { RandomBalancer } from '../../src/balancers/random.js';
import type { BackendReport, Balancer, BalancerDeps, Endpoint, PickContext } from '../../src/balancers/types.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { simulateReplication } from '../../src/sim/run-scenario.js';

/** Random picks, plus a record of every callback the simulator makes. */
class RecordingBalancer implements Balancer {
  readonly inner: RandomBalancer;
  completions: Array<{ id: number; rtt: number; ok: boolean }> = [];
  reports: Array<{ id: number } & BackendReport> = [];
  idle: number[] = [];
  endpoints: readonly Endpoint[] = [];
  constructor(readonly deps: BalancerDeps) {
    this.inner = new RandomBalancer(deps);
  }
  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.endpoints = endpoints;
    this.inner.setEndpoints(endpoints);
  }
  pick(ctx: PickContext): number {
    return this.inner.pick(ctx);
  }
  onComplete(id: number, rtt: number, ok: boolean): void {
    this.completions.push({ id, rtt, ok });
  }
  onBackendReport(id: number, report: BackendReport): void {
    this.reports.push({ id, ...report });
  }
  onIdle(id: number): void {
    this.idle.push(id);
  }
}

function run(input: Record<string, unknown>) {
  const scenario = scenarioSchema.parse({
    name: 'feedback',
    requests: 2000,
    arrivals: { kind: 'poisson', rate: 200 },
    service: { instances: 3, serviceTime: { dist: 'exponential', mean: '10ms' } },
    balancer: { kind: 'random' },
    ...input,
  });
  const made: RecordingBalancer[] = [];
  const metrics = simulateReplication(scenario, 0, scenario.balancer, {
    createBalancer: (_config, deps) => {
      const b = new RecordingBalancer(deps);
      made.push(b);
      return b;
    },
  });
  return { metrics, made };
}

describe('balancer feedback from the simulator', () => {
  it('reports every request once through onComplete, timeouts as failures', () => {
    const { metrics, made } = run({ timeout: '15ms', clients: { count: 2 } });
    const all = made.flatMap((b) => b.completions);
    expect(all).toHaveLength(metrics.arrived);
    const failures = all.filter((c) => !c.ok);
    expect(failures.length).toBe(metrics.timedOut);
    for (const f of failures) expect(f.rtt).toBeCloseTo(15, 9);
    for (const c of all.filter((c) => c.ok)) expect(c.rtt).toBeLessThanOrEqual(15);
  });

  it('attaches a plausible load report to every response', () => {
    const { metrics, made } = run({ requests: 20000 });
    const reports = made[0]!.reports;
    expect(reports).toHaveLength(metrics.completed);
    for (const r of reports) {
      expect(r.utilization).toBeGreaterThanOrEqual(0);
      expect(r.utilization).toBeLessThanOrEqual(1);
    }
    // Offered load per instance: 200/s × 10 ms / 3 = 0.667; its response rate ≈ 66.7/s.
    // One-second EWMAs fluctuate: average the late reports and allow 15 %.
    const late = reports.slice(-5000);
    const meanUtilization = late.reduce((a, r) => a + r.utilization, 0) / late.length;
    const meanQps = late.reduce((a, r) => a + r.qps, 0) / late.length;
    expect(meanUtilization).toBeGreaterThan(0.667 * 0.85);
    expect(meanUtilization).toBeLessThan(0.667 * 1.15);
    expect(meanQps).toBeGreaterThan(66.7 * 0.85);
    expect(meanQps).toBeLessThan(66.7 * 1.15);
  });

  it('announces idle instances (JIQ) at the start and whenever an instance empties', () => {
    const { made } = run({ clients: { count: 2 } });
    const idle = made.flatMap((b) => b.idle);
    expect(idle.length).toBeGreaterThan(3);
    expect(new Set(idle)).toEqual(new Set([0, 1, 2]));
  });

  it('passes zones, priorities and the client zone to balancers', () => {
    const { made } = run({
      clients: { count: 2, zones: ['a', 'b'] },
      service: {
        instances: 3,
        serviceTime: { dist: 'exponential', mean: '10ms' },
        overrides: [{ instance: 2, zone: 'b', priority: 1 }],
      },
    });
    expect(made.map((b) => b.deps.localZone)).toEqual(['a', 'b']);
    expect(made[0]!.endpoints.map((e) => [e.zone, e.priority])).toEqual([
      ['default', 0],
      ['default', 0],
      ['b', 1],
    ]);
    expect(made[0]!.deps.global!.queueLength(0)).toBe(0);
  });
});
