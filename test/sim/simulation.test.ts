import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioSchema, type ScenarioInput } from '../../src/scenario/schema.js';
import { runScenario, simulateReplication } from '../../src/sim/run-scenario.js';
import { formatSummaryJson } from '../../src/output/summary-json.js';
import type { BalancerConfig } from '../../src/balancers/configs.js';

const base: ScenarioInput = {
  name: 'sim-test',
  seed: 3,
  duration: '20s',
  warmup: '2s',
  replications: 2,
  clients: { count: 3 },
  arrivals: { kind: 'poisson', rate: 500 },
  service: { instances: 6, serviceTime: { dist: 'exponential', mean: '10ms' } },
  network: { latency: { dist: 'exponential', mean: '1ms' } },
  timeout: '200ms',
  balancer: { kind: 'least_request' },
};

const parse = (input: ScenarioInput) => scenarioSchema.parse(input);

describe('Simulation', () => {
  it('is deterministic: the same seed gives byte-identical summaries, another seed other numbers', () => {
    const a = formatSummaryJson(runScenario(parse(base)));
    const b = formatSummaryJson(runScenario(parse(base)));
    const c = formatSummaryJson(runScenario(parse({ ...base, seed: 4 })));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    const ma = JSON.parse(a).results[0].metrics;
    const mc = JSON.parse(c).results[0].metrics;
    expect(mc.latency.mean).not.toBe(ma.latency.mean);
    expect(mc.T).not.toBe(ma.T);
  });

  it('replications differ from each other (independent streams)', () => {
    const result = runScenario(parse(base));
    const [r0, r1] = result.results[0]!.replicationMetrics;
    expect(r0!.latency.mean).not.toBe(r1!.latency.mean);
  });

  it('gives every strategy the same workload (common random numbers)', () => {
    // With more servers per instance than requests ever in flight nobody queues, so each
    // request's latency is its own service demand plus its own network delays: identical
    // whatever the balancer, if and only if the workload draws do not depend on it.
    const scenario = parse({ ...base, service: { ...base.service, concurrency: 1000 } });
    const strategies: BalancerConfig[] = [
      { kind: 'round_robin' },
      { kind: 'random' },
      { kind: 'least_request', choices: 2, selection: 'n_choices', activeRequestBias: 1 },
      { kind: 'weighted_round_robin', variant: 'smooth' },
    ];
    const results = runScenario(scenario, { balancers: strategies }).results;
    for (const r of results.slice(1)) {
      expect(r.metrics.T).toBe(results[0]!.metrics.T);
      expect(r.metrics.latency.mean).toBeCloseTo(results[0]!.metrics.latency.mean, 9);
      expect(r.metrics.latency.max).toBe(results[0]!.metrics.latency.max);
    }
    // ...while the balancers themselves did differ.
    expect(results[0]!.metrics.perInstance).not.toEqual(results[1]!.metrics.perInstance);
  });

  it('conserves requests: every counted request ends exactly once (property)', () => {
    const dist = fc.oneof(
      fc.record({ dist: fc.constant('exponential' as const), mean: fc.double({ min: 0.5, max: 20, noNaN: true }) }),
      fc.record({ dist: fc.constant('constant' as const), value: fc.double({ min: 0, max: 20, noNaN: true }) }),
      fc.record({ dist: fc.constant('uniform' as const), min: fc.constant(0), max: fc.double({ min: 0.1, max: 30, noNaN: true }) }),
    );
    const balancer = fc.constantFrom<Extract<BalancerConfig['kind'], 'round_robin' | 'random' | 'weighted_round_robin' | 'least_request'>>('round_robin', 'random', 'weighted_round_robin', 'least_request');
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(1000),
          instances: fc.integer({ min: 1, max: 6 }),
          concurrency: fc.integer({ min: 1, max: 3 }),
          queueLimit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
          clients: fc.integer({ min: 1, max: 3 }),
          rate: fc.double({ min: 10, max: 2000, noNaN: true }),
          requests: fc.integer({ min: 1, max: 400 }),
          service: dist,
          latency: fc.option(dist, { nil: undefined }),
          timeout: fc.option(fc.double({ min: 1, max: 50, noNaN: true }), { nil: undefined }),
          drain: fc.option(fc.double({ min: 0, max: 30, noNaN: true }), { nil: undefined }),
          warmup: fc.double({ min: 0, max: 50, noNaN: true }),
          balancer,
          weight: fc.integer({ min: 1, max: 4 }),
        }),
        (p) => {
          const scenario = parse({
            name: 'conservation',
            seed: p.seed,
            requests: p.requests,
            warmup: p.warmup,
            ...(p.drain === undefined ? {} : { drain: p.drain }),
            clients: { count: p.clients },
            arrivals: { kind: 'poisson', rate: p.rate },
            service: {
              instances: p.instances,
              concurrency: p.concurrency,
              ...(p.queueLimit === undefined ? {} : { queueLimit: p.queueLimit }),
              serviceTime: p.service,
              overrides: [{ instance: 0, weight: p.weight }],
            },
            ...(p.latency === undefined ? {} : { network: { latency: p.latency } }),
            ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
            balancer: { kind: p.balancer },
          });
          const m = simulateReplication(scenario, 0);
          expect(m.arrived).toBe(p.requests);
          expect(m.T).toBeLessThanOrEqual(m.arrived);
          expect(m.completed + m.failed + m.timedOut + m.rejected + m.inFlightAtEnd).toBe(m.T);
          if (p.drain === undefined) expect(m.inFlightAtEnd).toBe(0);
          if (p.queueLimit === undefined) expect(m.rejected).toBe(0);
          if (p.timeout === undefined) expect(m.timedOut).toBe(0);
          expect(m.perInstance.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(m.T);
          if (m.completed > 0 && p.timeout !== undefined) expect(m.latency.max).toBeLessThanOrEqual(p.timeout);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects beyond the queue limit and times out slow requests', () => {
    const overloaded = parse({
      ...base,
      clients: { count: 1 },
      arrivals: { kind: 'poisson', rate: 2000 },
      service: { instances: 2, queueLimit: 5, serviceTime: { dist: 'exponential', mean: '10ms' } },
      timeout: '30ms',
      replications: 1,
    });
    const m = simulateReplication(overloaded, 0);
    expect(m.rejected).toBeGreaterThan(0);
    expect(m.timedOut).toBeGreaterThan(0);
    expect(m.latency.max).toBeLessThanOrEqual(30);
    expect(m.completed + m.failed + m.timedOut + m.rejected + m.inFlightAtEnd).toBe(m.T);
  });

  it('applies per-instance speed: a half-speed instance serves twice as long', () => {
    const scenario = parse({
      ...base,
      clients: { count: 1 },
      network: undefined,
      timeout: undefined,
      arrivals: { kind: 'poisson', rate: 10 },
      service: { instances: 2, concurrency: 100, serviceTime: { dist: 'constant', value: '10ms' }, overrides: [{ instance: 1, speed: 0.5 }] },
      balancer: { kind: 'round_robin' },
      replications: 1,
    });
    const m = simulateReplication(scenario, 0);
    expect(m.latency.p50).toBeCloseTo(10, 1);
    expect(m.latency.max).toBeCloseTo(20, 6);
    expect(m.latency.mean).toBeCloseTo(15, 0);
  });
});
