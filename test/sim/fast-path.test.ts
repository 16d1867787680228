/**
 * The fast path (FastSimulation, for scenarios with nothing but traffic) and the full
 * Simulation must agree number for number: same draws, same event order, same metrics, and
 * the same requests ending the same way (onRequestEnd, which both serve). Every balancer kind,
 * with instance overrides (weights, speeds, zones, priorities), request keys, stops by request
 * count and by duration, and scenarios up to hundreds of instances and tens of clients.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BalancerKind } from '../../src/balancers/configs.js';
import { BALANCER_KINDS } from '../../src/balancers/registry.js';
import { scenarioSchema, type Scenario } from '../../src/scenario/schema.js';
import { FastSimulation, runsOnFastPath } from '../../src/sim/fast-simulation.js';
import type { RequestEnd } from '../../src/sim/request-ledger.js';
import { Simulation } from '../../src/sim/simulation.js';
import { balancerOf, overridesOf } from '../helpers/balancer-arbitraries.js';

const dist = fc.oneof(
  fc.record({ dist: fc.constant('exponential' as const), mean: fc.double({ min: 0.5, max: 20, noNaN: true }) }),
  fc.record({ dist: fc.constant('constant' as const), value: fc.double({ min: 0, max: 20, noNaN: true }) }),
);

interface Size {
  readonly instances: number;
  readonly clients: number;
  readonly requests: number;
}

function scenarioArbitrary(kind: BalancerKind, size: Size): fc.Arbitrary<Scenario> {
  return fc
    .integer({ min: 1, max: size.instances })
    .chain((instances) =>
      fc.record({
        seed: fc.nat(1000),
        instances: fc.constant(instances),
        overrides: overridesOf(instances),
        concurrency: fc.integer({ min: 1, max: 3 }),
        queueLimit: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
        clients: fc.integer({ min: 1, max: size.clients }),
        clientZones: fc.boolean(),
        rho: fc.double({ min: 0.1, max: 1.3, noNaN: true }),
        // Stop after a number of requests, or at the end of a duration.
        stop: fc.oneof(
          fc.integer({ min: 1, max: size.requests }).map((requests) => ({ requests })),
          fc.double({ min: 0.1, max: 1, noNaN: true }).map((share) => ({ share })),
        ),
        service: dist,
        latency: fc.option(dist, { nil: undefined }),
        timeout: fc.option(fc.double({ min: 1, max: 50, noNaN: true }), { nil: undefined }),
        drain: fc.option(fc.double({ min: 0, max: 30, noNaN: true }), { nil: undefined }),
        warmup: fc.double({ min: 0, max: 50, noNaN: true }),
        keys: fc.option(fc.oneof(fc.record({ kind: fc.constant('uniform'), count: fc.integer({ min: 1, max: 500 }) }), fc.record({ kind: fc.constant('zipf'), count: fc.integer({ min: 1, max: 500 }), s: fc.constantFrom(0.8, 1.2) })), { nil: undefined }),
        balancer: balancerOf(kind),
      }),
    )
    .map((p) => {
      const meanService = p.service.dist === 'exponential' ? p.service.mean : Math.max(p.service.value, 0.5);
      const rate = (p.rho * p.instances * p.concurrency * 1000) / meanService;
      return scenarioSchema.parse({
        name: 'fast-path',
        seed: p.seed,
        ...('requests' in p.stop ? { requests: p.stop.requests } : { duration: Math.max(1, (p.stop.share * size.requests * 1000) / rate) }),
        warmup: p.warmup,
        ...(p.drain === undefined ? {} : { drain: p.drain }),
        clients: { count: p.clients, ...(p.clientZones ? { zones: ['zone-a', 'zone-b'] } : {}) },
        arrivals: { kind: 'poisson', rate, ...(p.keys === undefined ? {} : { keys: p.keys }) },
        service: {
          instances: p.instances,
          zone: 'zone-a',
          concurrency: p.concurrency,
          ...(p.queueLimit === undefined ? {} : { queueLimit: p.queueLimit }),
          serviceTime: p.service,
          overrides: p.overrides,
        },
        ...(p.latency === undefined ? {} : { network: { latency: p.latency } }),
        ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
        balancer: p.balancer,
      });
    });
}

/** Both engines on one scenario: metrics, every request's end and the SLO's per-step record, identical. */
function expectSameRuns(scenario: Scenario): void {
  expect(runsOnFastPath(scenario, {})).toBe(true);
  const fastEnds: RequestEnd[] = [];
  const fullEnds: RequestEnd[] = [];
  const fast = new FastSimulation(scenario, scenario.balancer, 0, { onRequestEnd: (e) => fastEnds.push(e) }).run();
  const full = new Simulation(scenario, scenario.balancer, 0, { onRequestEnd: (e) => fullEnds.push(e) }).run();
  expect(JSON.stringify(fast.metrics)).toBe(JSON.stringify(full.metrics));
  expect(JSON.stringify(fastEnds)).toBe(JSON.stringify(fullEnds));
  // The SLO's steps too: the same requests in the same steps, ended the same way.
  const steps = (o: typeof fast.observation) => JSON.stringify([o.start, o.end, o.steps, ...Object.values(o.counts).map((c) => Array.from(c))]);
  expect(steps(fast.observation)).toBe(steps(full.observation));
}

describe('fast path', () => {
  for (const kind of BALANCER_KINDS) {
    it(`gives exactly the metrics of the full simulation with ${kind} (property)`, () => {
      fc.assert(fc.property(scenarioArbitrary(kind, { instances: 12, clients: 4, requests: 400 }), expectSameRuns), { numRuns: 12 });
    });
  }

  it('gives exactly the metrics of the full simulation on larger meshes (property)', () => {
    const kinds = fc.constantFrom<BalancerKind>('least_request', 'round_robin', 'ring_hash', 'finagle_aperture', 'jiq', 'nginx_least_conn');
    fc.assert(
      fc.property(kinds.chain((kind) => scenarioArbitrary(kind, { instances: 300, clients: 24, requests: 6000 })), expectSameRuns),
      { numRuns: 8 },
    );
  });

  it('is not taken when anything but traffic is configured or recorded, or the full engine is asked for', () => {
    const base = {
      name: 'x',
      requests: 10,
      arrivals: { kind: 'poisson', rate: 10 },
      service: { instances: 2, serviceTime: { dist: 'exponential', mean: 1 } },
      balancer: { kind: 'random' },
    };
    expect(runsOnFastPath(scenarioSchema.parse(base), {})).toBe(true);
    expect(runsOnFastPath(scenarioSchema.parse(base), { onRequestEnd: () => {} })).toBe(true);
    expect(runsOnFastPath(scenarioSchema.parse(base), { recordEvents: true })).toBe(false);
    expect(runsOnFastPath(scenarioSchema.parse(base), { engine: 'full' })).toBe(false);
    expect(runsOnFastPath(scenarioSchema.parse(base), { onAttemptEnd: () => {} })).toBe(false);
    expect(runsOnFastPath(scenarioSchema.parse({ ...base, retries: {} }), {})).toBe(false);
    expect(runsOnFastPath(scenarioSchema.parse({ ...base, faults: [{ kind: 'crash', instance: 0, at: 1 }] }), {})).toBe(false);
  });
});
