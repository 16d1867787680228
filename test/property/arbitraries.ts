/**
 * Random scenarios for the guarantee properties: 2–50 instances, 1–4 clients, random fault
 * schedules and random detector and recovery settings, small enough (tens of simulated
 * seconds at modest rates) that one run takes milliseconds.
 */
import fc from 'fast-check';
import { scenarioSchema, type Scenario, type ScenarioInput } from '../../src/scenario/schema.js';

type FaultInput = NonNullable<ScenarioInput['faults']>[number];

export const fault = (instances: number, duration: number): fc.Arbitrary<FaultInput> => {
  const instance = fc.integer({ min: 0, max: instances - 1 });
  const at = fc.integer({ min: 1000, max: Math.max(1000, duration - 5000) });
  const span = fc.option(fc.integer({ min: 500, max: 30_000 }), { nil: undefined });
  const withSpan = <T extends object>(f: T, length: number | undefined) => (length === undefined ? f : { ...f, for: length });
  return fc.oneof(
    fc.tuple(instance, at, span).map(([i, t, f]) => withSpan({ kind: 'crash' as const, instance: i, at: t }, f)),
    fc.tuple(instance, at, span).map(([i, t, f]) => withSpan({ kind: 'hang' as const, instance: i, at: t }, f)),
    fc.tuple(instance, at, span, fc.integer({ min: 2, max: 20 })).map(([i, t, f, factor]) => withSpan({ kind: 'slow' as const, instance: i, at: t, factor }, f)),
    fc.tuple(instance, at, span, fc.double({ min: 0.1, max: 1, noNaN: true })).map(([i, t, f, rate]) => withSpan({ kind: 'errors' as const, instance: i, at: t, rate }, f)),
    fc.tuple(instance, at, span, fc.constantFrom('control' as const, 'data' as const)).map(([i, t, f, path]) => withSpan({ kind: 'partition' as const, instance: i, at: t, path }, f)),
    fc.tuple(instance, at, span, fc.integer({ min: 500, max: 5000 })).map(([i, t, f, uptime]) => withSpan({ kind: 'crashloop' as const, instance: i, at: t, uptime }, f)),
  );
};

export interface Knobs {
  healthCheck: boolean;
  outlierDetection: boolean;
  retries: boolean;
  heartbeat: boolean;
}

/** A random valid scenario; `knobs` forces mechanisms on (undefined leaves it to chance). */
export function scenarioArbitrary(force: Partial<Knobs> = {}, faultsArb?: (n: number, d: number) => fc.Arbitrary<FaultInput[]>): fc.Arbitrary<Scenario> {
  const flag = (name: keyof Knobs) => (force[name] === undefined ? fc.boolean() : fc.constant(force[name]!));
  return fc
    .record({
      seed: fc.nat(10_000),
      instances: fc.integer({ min: 2, max: 50 }),
      clients: fc.integer({ min: 1, max: 4 }),
      rho: fc.double({ min: 0.2, max: 0.7, noNaN: true }),
      duration: fc.integer({ min: 10_000, max: 40_000 }),
      timeout: fc.option(fc.integer({ min: 50, max: 2000 }), { nil: undefined }),
      latency: fc.option(fc.double({ min: 0.05, max: 2, noNaN: true }), { nil: undefined }),
      balancer: fc.constantFrom('round_robin' as const, 'random' as const, 'least_request' as const),
      knobs: fc.record({ healthCheck: flag('healthCheck'), outlierDetection: flag('outlierDetection'), retries: flag('retries'), heartbeat: flag('heartbeat') }),
      hc: fc.record({
        interval: fc.integer({ min: 200, max: 5000 }),
        timeout: fc.integer({ min: 50, max: 1000 }),
        unhealthyThreshold: fc.integer({ min: 1, max: 4 }),
        healthyThreshold: fc.integer({ min: 1, max: 4 }),
        jitter: fc.integer({ min: 0, max: 500 }),
        checker: fc.constantFrom('per-client' as const, 'central' as const),
      }),
      od: fc.record({
        consecutive5xx: fc.integer({ min: 1, max: 7 }),
        interval: fc.integer({ min: 500, max: 10_000 }),
        baseEjectionTime: fc.integer({ min: 500, max: 30_000 }),
        maxEjectionPercent: fc.integer({ min: 0, max: 100 }),
        maxEjectionTimeJitter: fc.integer({ min: 0, max: 1000 }),
        enforcingConsecutiveGatewayFailure: fc.constantFrom(0, 100),
      }),
      extraMax: fc.integer({ min: 0, max: 60_000 }),
      retry: fc.record({
        attempts: fc.integer({ min: 0, max: 3 }),
        perTryTimeout: fc.option(fc.integer({ min: 20, max: 1000 }), { nil: undefined }),
        budget: fc.option(fc.record({ percent: fc.integer({ min: 0, max: 100 }), minConcurrency: fc.integer({ min: 0, max: 5 }) }), { nil: undefined }),
      }),
      heartbeatKind: fc.constantFrom('phi' as const, 'timeout' as const),
      accrual: fc.option(fc.record({ maxFailures: fc.integer({ min: 1, max: 8 }), minPenalty: fc.integer({ min: 100, max: 3000 }) }), { nil: undefined }),
      breaker: fc.option(fc.record({ maxRequests: fc.integer({ min: 1, max: 20 }), maxPendingRequests: fc.integer({ min: 0, max: 10 }) }), { nil: undefined }),
      startupTime: fc.integer({ min: 0, max: 5000 }),
    })
    .chain((p) => {
      const faults = faultsArb ? faultsArb(p.instances, p.duration) : fc.array(fault(p.instances, p.duration), { minLength: 0, maxLength: 4 });
      return faults.map((f) => ({ p, faults: f }));
    })
    .map(({ p, faults }) => {
      const meanService = 10;
      const input: ScenarioInput = {
        name: 'property',
        seed: p.seed,
        duration: p.duration,
        warmup: 0,
        clients: { count: p.clients },
        arrivals: { kind: 'poisson', rate: (p.rho * p.instances * 1000) / meanService / 4 },
        service: { instances: p.instances, serviceTime: { dist: 'exponential', mean: meanService } },
        ...(p.latency === undefined ? {} : { network: { latency: { dist: 'constant', value: p.latency } } }),
        ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
        balancer: { kind: p.balancer },
        faults,
        restart: { startupTime: p.startupTime },
        ...(p.knobs.healthCheck ? { healthCheck: p.hc } : {}),
        ...(p.knobs.outlierDetection ? { outlierDetection: { ...p.od, maxEjectionTime: p.od.baseEjectionTime + p.extraMax } } : {}),
        // A per-try timeout longer than the request's could never fire: the schema refuses it.
        ...(p.knobs.retries ? { retries: { attempts: p.retry.attempts, ...(p.retry.perTryTimeout === undefined ? {} : { perTryTimeout: Math.min(p.retry.perTryTimeout, p.timeout ?? Infinity) }), ...(p.retry.budget === undefined ? {} : { budget: p.retry.budget }) } } : {}),
        ...(p.breaker === undefined ? {} : { circuitBreakers: p.breaker }),
        // Linkerd's failure accrual and Envoy's outlier detection are alternatives: one or the other.
        ...(p.accrual === undefined || p.knobs.outlierDetection ? {} : { failureAccrual: p.accrual }),
        ...(p.knobs.heartbeat ? { heartbeat: { interval: 1000, detector: p.heartbeatKind === 'phi' ? { kind: 'phi' } : { kind: 'timeout', after: 3000 } } } : {}),
      };
      return scenarioSchema.parse(input);
    });
}
