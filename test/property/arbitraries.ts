/**
 * Random scenarios for the guarantee properties: 2–16 instances, 1–4 clients, load from light
 * to overload (ρ up to 1.3, queue limits or none), random fault schedules, and random
 * detector, retry, restart back-off, panic and priority settings, small enough (seconds to
 * tens of simulated seconds) that one run takes milliseconds.
 */
import fc from 'fast-check';
import { scenarioSchema, type Scenario, type ScenarioInput } from '../../src/scenario/schema.js';

type FaultInput = NonNullable<ScenarioInput['faults']>[number];

/** Mean service time of every generated scenario (ms). */
export const MEAN_SERVICE = 10;

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
  liveness: boolean;
}

export interface ArbitraryOptions {
  /** Force mechanisms on or off (left out: chosen at random). */
  readonly force?: Partial<Knobs>;
  /** The fault schedule for (instances, duration); default 0–4 random faults. */
  readonly faults?: (instances: number, duration: number) => fc.Arbitrary<FaultInput[]>;
  /** Simulated seconds with arrivals. */
  readonly duration?: { min: number; max: number };
  /** Highest ρ (arrival rate over the cluster's service rate). */
  readonly maxLoad?: number;
}

/** Active health checking with every interval and jitter Envoy has, each set or left to its default. */
const healthCheck = fc
  .record({
    interval: fc.integer({ min: 200, max: 3000 }),
    timeout: fc.integer({ min: 50, max: 800 }),
    unhealthyThreshold: fc.integer({ min: 1, max: 4 }),
    healthyThreshold: fc.integer({ min: 1, max: 4 }),
    jitter: fc.integer({ min: 0, max: 500 }),
    checker: fc.constantFrom('per-client' as const, 'central' as const),
    more: fc.record(
      {
        jitterPercent: fc.integer({ min: 1, max: 30 }),
        initialJitter: fc.integer({ min: 1, max: 500 }),
        unhealthyInterval: fc.integer({ min: 100, max: 3000 }),
        unhealthyEdgeInterval: fc.integer({ min: 100, max: 3000 }),
        healthyEdgeInterval: fc.integer({ min: 100, max: 3000 }),
      },
      { requiredKeys: [] },
    ),
  })
  .map(({ more, ...hc }) => ({ ...hc, ...more }));

/** A random valid scenario. */
export function scenarioArbitrary(options: ArbitraryOptions = {}): fc.Arbitrary<Scenario> {
  const force = options.force ?? {};
  const flag = (name: keyof Knobs) => (force[name] === undefined ? fc.boolean() : fc.constant(force[name]!));
  const seconds = options.duration ?? { min: 5, max: 15 };
  return fc
    .record({
      seed: fc.nat(10_000),
      instances: fc.integer({ min: 2, max: 16 }),
      clients: fc.integer({ min: 1, max: 4 }),
      rho: fc.double({ min: 0.1, max: options.maxLoad ?? 1.3, noNaN: true }),
      queueLimit: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
      duration: fc.integer({ min: seconds.min * 1000, max: seconds.max * 1000 }),
      timeout: fc.option(fc.integer({ min: 50, max: 2000 }), { nil: undefined }),
      latency: fc.option(fc.double({ min: 0.05, max: 2, noNaN: true }), { nil: undefined }),
      balancer: fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom('round_robin' as const, 'random' as const, 'least_request' as const) },
        { weight: 1, arbitrary: fc.constantFrom('weighted_round_robin' as const, 'finagle_p2c' as const, 'peak_ewma' as const, 'ring_hash' as const) },
      ),
      panicThreshold: fc.option(fc.constantFrom(0, 30, 50, 80, 100), { nil: undefined }),
      // A second priority level (Envoy's failover), and weights.
      standby: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
      weighted: fc.boolean(),
      knobs: fc.record({ healthCheck: flag('healthCheck'), outlierDetection: flag('outlierDetection'), retries: flag('retries'), heartbeat: flag('heartbeat'), liveness: flag('liveness') }),
      hc: healthCheck,
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
        maxRetries: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        retryOn: fc.subarray(['5xx', 'gateway-error', 'reset', 'connect-failure', 'timeout'] as const, { minLength: 1 }),
        base: fc.integer({ min: 1, max: 100 }),
        budget: fc.option(fc.record({ percent: fc.integer({ min: 0, max: 100 }), minConcurrency: fc.integer({ min: 0, max: 5 }) }), { nil: undefined }),
      }),
      heartbeat: fc.record({
        interval: fc.integer({ min: 200, max: 2000 }),
        detector: fc.oneof(
          fc.record(
            { kind: fc.constant('phi' as const), threshold: fc.double({ min: 1, max: 12, noNaN: true }), minStdDeviation: fc.integer({ min: 20, max: 500 }), acceptablePause: fc.integer({ min: 0, max: 3000 }), maxSampleSize: fc.integer({ min: 2, max: 200 }) },
            { requiredKeys: ['kind'] },
          ),
          fc.integer({ min: 1, max: 4 }).map((intervals) => ({ kind: 'timeout' as const, intervals })),
        ),
      }),
      liveness: fc.record({ period: fc.integer({ min: 200, max: 3000 }), failureThreshold: fc.integer({ min: 1, max: 4 }), initialDelay: fc.integer({ min: 0, max: 2000 }) }),
      accrual: fc.option(fc.record({ maxFailures: fc.integer({ min: 1, max: 8 }), minPenalty: fc.integer({ min: 100, max: 3000 }) }), { nil: undefined }),
      breaker: fc.option(fc.record({ maxRequests: fc.integer({ min: 1, max: 20 }), maxPendingRequests: fc.integer({ min: 0, max: 10 }) }), { nil: undefined }),
      startupTime: fc.integer({ min: 0, max: 3000 }),
      backoff: fc
        .tuple(fc.integer({ min: 100, max: 3000 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 500, max: 20_000 }))
        .map(([initial, doublings, resetAfter]) => ({ initial, max: initial * 2 ** doublings, resetAfter })),
    })
    .chain((p) => {
      const faults = options.faults ? options.faults(p.instances, p.duration) : fc.array(fault(p.instances, p.duration), { minLength: 0, maxLength: 4 });
      return faults.map((f) => ({ p, faults: f }));
    })
    .map(({ p, faults }) => {
      const hb = p.heartbeat.detector;
      const overrides = [
        ...(p.weighted ? [{ instances: [0], weight: 3 }] : []),
        ...(p.standby === undefined ? [] : [{ instances: [...Array(Math.min(p.standby, p.instances - 1)).keys()].map((k) => p.instances - 1 - k), priority: 1 }]),
      ];
      const input: ScenarioInput = {
        name: 'property',
        seed: p.seed,
        duration: p.duration,
        warmup: 0,
        clients: { count: p.clients },
        arrivals: { kind: 'poisson', rate: (p.rho * p.instances * 1000) / MEAN_SERVICE },
        service: { instances: p.instances, serviceTime: { dist: 'exponential', mean: MEAN_SERVICE }, ...(p.queueLimit === undefined ? {} : { queueLimit: p.queueLimit }), overrides },
        ...(p.latency === undefined ? {} : { network: { latency: { dist: 'constant', value: p.latency } } }),
        ...(p.timeout === undefined ? {} : { timeout: p.timeout }),
        balancer: { kind: p.balancer },
        ...(p.panicThreshold === undefined ? {} : { panicThreshold: p.panicThreshold }),
        faults,
        restart: { startupTime: p.startupTime, backoff: p.backoff },
        ...(p.knobs.healthCheck ? { healthCheck: p.hc } : {}),
        ...(p.knobs.outlierDetection ? { outlierDetection: { ...p.od, maxEjectionTime: p.od.baseEjectionTime + p.extraMax } } : {}),
        // A per-try timeout longer than the request's could never fire: the schema refuses it.
        ...(p.knobs.retries
          ? {
              retries: {
                attempts: p.retry.attempts,
                retryOn: [...p.retry.retryOn],
                backoff: { base: p.retry.base },
                ...(p.retry.perTryTimeout === undefined ? {} : { perTryTimeout: Math.min(p.retry.perTryTimeout, p.timeout ?? Infinity) }),
                ...(p.retry.maxRetries === undefined ? {} : { maxRetries: p.retry.maxRetries }),
                ...(p.retry.budget === undefined ? {} : { budget: p.retry.budget }),
              },
            }
          : {}),
        ...(p.breaker === undefined ? {} : { circuitBreakers: p.breaker }),
        // Linkerd's failure accrual and Envoy's outlier detection are alternatives: one or the other.
        ...(p.accrual === undefined || p.knobs.outlierDetection ? {} : { failureAccrual: p.accrual }),
        ...(p.knobs.heartbeat
          ? {
              heartbeat: {
                interval: p.heartbeat.interval,
                detector: hb.kind === 'phi' ? hb : { kind: 'timeout', after: (hb.intervals + 0.5) * p.heartbeat.interval },
              },
            }
          : {}),
        ...(p.knobs.liveness ? { liveness: { ...p.liveness, timeout: Math.min(500, p.liveness.period) } } : {}),
      };
      return scenarioSchema.parse(input);
    });
}
