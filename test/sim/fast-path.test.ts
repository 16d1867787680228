/**
 * The fast path (FastSimulation, for scenarios with nothing but traffic) and the full
 * Simulation must agree number for number: same draws, same event order, same metrics.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BalancerConfig } from '../../src/balancers/configs.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { FastSimulation, runsOnFastPath } from '../../src/sim/fast-simulation.js';
import { Simulation } from '../../src/sim/simulation.js';

const dist = fc.oneof(
  fc.record({ dist: fc.constant('exponential' as const), mean: fc.double({ min: 0.5, max: 20, noNaN: true }) }),
  fc.record({ dist: fc.constant('constant' as const), value: fc.double({ min: 0, max: 20, noNaN: true }) }),
);

describe('fast path', () => {
  it('gives exactly the metrics of the full simulation on fault-free scenarios (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.nat(1000),
          instances: fc.integer({ min: 1, max: 8 }),
          concurrency: fc.integer({ min: 1, max: 3 }),
          queueLimit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
          clients: fc.integer({ min: 1, max: 3 }),
          rate: fc.double({ min: 10, max: 2000, noNaN: true }),
          requests: fc.integer({ min: 1, max: 600 }),
          service: dist,
          latency: fc.option(dist, { nil: undefined }),
          timeout: fc.option(fc.double({ min: 1, max: 50, noNaN: true }), { nil: undefined }),
          drain: fc.option(fc.double({ min: 0, max: 30, noNaN: true }), { nil: undefined }),
          warmup: fc.double({ min: 0, max: 50, noNaN: true }),
          balancer: fc.constantFrom<BalancerConfig['kind']>('round_robin', 'random', 'least_request', 'peak_ewma', 'jiq', 'grpc_weighted_round_robin'),
        }),
        (p) => {
          const scenario = scenarioSchema.parse({
            name: 'fast-path',
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
            },
            ...(p.latency === undefined ? {} : { network: { latency: p.latency } }),
            ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
            balancer: { kind: p.balancer },
          });
          expect(runsOnFastPath(scenario, {})).toBe(true);
          const fast = new FastSimulation(scenario, scenario.balancer, 0).run();
          const full = new Simulation(scenario, scenario.balancer, 0).run();
          expect(JSON.stringify(fast.metrics)).toBe(JSON.stringify(full.metrics));
          // The SLO's steps too: the same requests in the same steps, ended the same way.
          const steps = (o: typeof fast.observation) => JSON.stringify([o.start, o.end, o.steps, ...Object.values(o.counts).map((c) => Array.from(c))]);
          expect(steps(fast.observation)).toBe(steps(full.observation));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is not taken when anything but traffic is configured or recorded', () => {
    const base = {
      name: 'x',
      requests: 10,
      arrivals: { kind: 'poisson', rate: 10 },
      service: { instances: 2, serviceTime: { dist: 'exponential', mean: 1 } },
      balancer: { kind: 'random' },
    };
    expect(runsOnFastPath(scenarioSchema.parse(base), {})).toBe(true);
    expect(runsOnFastPath(scenarioSchema.parse(base), { recordEvents: true })).toBe(false);
    expect(runsOnFastPath(scenarioSchema.parse({ ...base, retries: {} }), {})).toBe(false);
    expect(runsOnFastPath(scenarioSchema.parse({ ...base, faults: [{ kind: 'crash', instance: 0, at: 1 }] }), {})).toBe(false);
  });
});
