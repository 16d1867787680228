/**
 * Scenario keys for failures, detection and recovery: `faults`, `restart`, `liveness`,
 * `healthCheck`, `heartbeat`, `outlierDetection`, `panicThreshold`, `retries`,
 * `timeseries`. Every mechanism is opt-in, as in the systems it models (Envoy's active health
 * checking has no defaults for its required fields; outlier detection and retries exist only
 * when configured). Optional tuning fields without a default here take the defaults of the
 * mechanism's own module (src/detect, src/recovery), which quote their source.
 */
import { z } from 'zod';
import { DEFAULT_OUTLIER_DETECTOR_CONFIG } from '../detect/outlier-detector.js';
import { DEFAULT_FAILURE_ACCRUAL_CONFIG } from '../recovery/failure-accrual.js';
import { duration, isNonNegative, isPositive, positiveDuration } from './common-schema.js';
import { formatDuration } from './duration.js';

const targets = {
  instance: z.int().nonnegative().optional(),
  instances: z.array(z.int().nonnegative()).min(1).optional(),
};
const window = {
  at: duration.describe('when the fault starts'),
  for: positiveDuration.optional().describe('how long it lasts; default until the end of the run'),
};

function oneTarget(f: { instance?: number | undefined; instances?: number[] | undefined }, ctx: z.RefinementCtx) {
  if ((f.instance === undefined) === (f.instances === undefined)) {
    ctx.addIssue({
      code: 'custom',
      message: 'exactly one of `instance` or `instances`',
      params: { found: f.instance === undefined ? 'neither' : 'both' },
    });
  }
}

const percent = z.number().min(0).max(100);

export const fault = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('crash'), ...targets, ...window })
    .superRefine(oneTarget)
    .describe('the process dies: in-flight requests fail, connections are refused, the supervisor restarts it (not before at + for)'),
  z
    .strictObject({ kind: z.literal('hang'), ...targets, ...window })
    .superRefine(oneTarget)
    .describe('accepts requests and never answers them; only timeouts reveal it'),
  z
    .strictObject({
      kind: z.literal('slow'),
      ...targets,
      ...window,
      factor: z.number().gt(1).describe('service rate divided by this'),
    })
    .superRefine(oneTarget),
  z
    .strictObject({
      kind: z.literal('errors'),
      ...targets,
      ...window,
      rate: z.number().gt(0).max(1).describe('fraction of responses that are 5xx'),
    })
    .superRefine(oneTarget),
  z
    .strictObject({
      kind: z.literal('partition'),
      ...targets,
      ...window,
      path: z
        .enum(['control', 'data'])
        .default('control')
        .describe('control: health checks and heartbeats are lost, requests still work; data: requests are lost, checks still work'),
    })
    .superRefine(oneTarget),
  z.strictObject({ kind: z.literal('zone'), zone: z.string().min(1), ...window }).describe('every instance in the zone crashes'),
  z
    .strictObject({
      kind: z.literal('crashloop'),
      ...targets,
      ...window,
      uptime: positiveDuration.describe('each start crashes again after running this long'),
    })
    .superRefine(oneTarget),
  z
    .strictObject({
      kind: z.literal('random'),
      mode: z.enum(['crash', 'hang', 'slow', 'errors']).default('crash'),
      mttf: positiveDuration.describe('mean time to failure of each instance (exponential)'),
      mttr: positiveDuration.describe('mean time to repair (exponential)'),
      factor: z.number().gt(1).default(10).describe('slow mode: service rate divisor'),
      rate: z.number().gt(0).max(1).default(0.5).describe('errors mode: fraction of 5xx responses'),
      instances: z.array(z.int().nonnegative()).min(1).optional().describe('default: every instance'),
    })
    .describe('every instance fails and recovers independently'),
]);

const restart = z.strictObject({
  startupTime: duration.default(0).describe('from start to serving (and to heartbeating)'),
  backoff: z
    .strictObject({
      initial: positiveDuration.default(10_000),
      max: positiveDuration.default(300_000),
      resetAfter: positiveDuration.default(600_000),
    })
    .default({ initial: 10_000, max: 300_000, resetAfter: 600_000 })
    .describe('Kubernetes CrashLoopBackOff: 0, 10, 20, 40 … 300 s, reset after 10 min without restarts'),
});

const liveness = z
  .strictObject({
    period: positiveDuration.default(10_000),
    timeout: positiveDuration.default(1000),
    failureThreshold: z.int().positive().default(3),
    initialDelay: duration.default(0),
  })
  .describe('Kubernetes liveness probe: restarts an instance after failureThreshold consecutive failures');

const healthCheck = z
  .strictObject({
    interval: positiveDuration,
    timeout: positiveDuration,
    unhealthyThreshold: z.int().positive(),
    healthyThreshold: z.int().positive(),
    jitter: duration.optional().describe('Envoy interval_jitter: each wait + uniform[0, jitter)'),
    jitterPercent: percent.optional().describe('Envoy interval_jitter_percent'),
    initialJitter: duration.optional(),
    unhealthyInterval: positiveDuration.optional(),
    unhealthyEdgeInterval: positiveDuration.optional(),
    healthyEdgeInterval: positiveDuration.optional(),
    checker: z
      .enum(['per-client', 'central'])
      .default('per-client')
      .describe('per-client: every sidecar checks every instance (Envoy); central: one checker for all'),
  })
  .describe('Envoy active health checking');

const heartbeat = z
  .strictObject({
    interval: positiveDuration.default(1000),
    detector: z
      .discriminatedUnion('kind', [
        z.strictObject({
          kind: z.literal('phi'),
          threshold: z.number().positive().optional(),
          maxSampleSize: z.int().positive().optional(),
          minStdDeviation: positiveDuration.optional(),
          acceptablePause: duration.optional(),
        }),
        z.strictObject({ kind: z.literal('timeout'), after: positiveDuration }),
      ])
      .default({ kind: 'phi' }),
  })
  .describe('instances heartbeat to a central detector (Akka phi accrual, or a fixed timeout)');

const outlierDetection = z
  .strictObject({
    consecutive5xx: z.int().positive().optional(),
    consecutiveGatewayFailure: z.int().positive().optional(),
    enforcingConsecutive5xx: percent.optional(),
    enforcingConsecutiveGatewayFailure: percent.optional(),
    interval: positiveDuration.optional(),
    baseEjectionTime: positiveDuration.optional(),
    maxEjectionTime: positiveDuration.optional(),
    maxEjectionTimeJitter: duration.optional(),
    maxEjectionPercent: percent.optional(),
    alwaysEjectOneHost: z.boolean().optional(),
    enforcingSuccessRate: percent.optional(),
    successRateMinimumHosts: z.int().nonnegative().optional(),
    successRateRequestVolume: z.int().nonnegative().optional(),
    successRateStdevFactor: z.number().nonnegative().optional(),
    failurePercentageThreshold: percent.optional(),
    enforcingFailurePercentage: percent.optional(),
    failurePercentageMinimumHosts: z.int().nonnegative().optional(),
    failurePercentageRequestVolume: z.int().nonnegative().optional(),
  })
  .describe('Envoy outlier detection, one detector per client; set enforcing percentages to 0 for a log-only mode');

const retries = z
  .strictObject({
    attempts: z.int().nonnegative().default(1).describe('retries after the first attempt (Envoy num_retries)'),
    perTryTimeout: positiveDuration.optional(),
    backoff: z
      .strictObject({ base: positiveDuration.default(25), max: positiveDuration.optional() })
      .default({ base: 25 })
      .describe('full-jitter exponential back-off; max defaults to 10 × base'),
    retryOn: z
      .array(z.enum(['5xx', 'gateway-error', 'reset', 'connect-failure', 'timeout']))
      .min(1)
      .default(['5xx', 'reset', 'connect-failure'])
      .describe('timeout: the per-try timeout expired (the overall timeout is never retried)'),
    budget: z
      .strictObject({
        percent: percent.default(20),
        minConcurrency: z.int().nonnegative().default(3),
      })
      .optional()
      .describe('Envoy retry budget: concurrent retries ≤ max(minConcurrency, percent × active requests)'),
    maxRetries: z.int().nonnegative().default(3).describe('concurrent retries without a budget (Envoy circuit breaker)'),
    avoidPreviousHosts: z.boolean().default(true),
    hostSelectionAttempts: z.int().positive().default(5).describe('Envoy host_selection_retry_max_attempts'),
  })
  .describe('Envoy retries; the request `timeout` covers every attempt');

const circuitBreakers = z
  .strictObject({
    maxRequests: z.int().positive().default(1024).describe('attempts in flight per client; more wait as pending'),
    maxPendingRequests: z.int().nonnegative().default(1024).describe('attempts waiting per client; more fail at once (503)'),
  })
  .describe("Envoy's cluster circuit breaker, one per client: excess requests wait, then fail fast");

const failureAccrual = z
  .strictObject({
    maxFailures: z.int().positive().optional().describe('consecutive failures that shut the endpoint; Linkerd 7'),
    minPenalty: positiveDuration.optional().describe('first wait before a probe; Linkerd 1s'),
    maxPenalty: positiveDuration.optional().describe('cap on the wait between probes; Linkerd 1m'),
    jitterRatio: z.number().min(0).max(100).optional().describe('largest jitter as a fraction of the wait; Linkerd 0.5'),
  })
  .describe("Linkerd's consecutive-failure accrual, per client and endpoint: an alternative to outlier detection");

/** The failure and recovery keys, spread into the top-level scenario object. */
export const failureKeys = {
  faults: z.array(fault).default([]),
  restart: restart.default({ startupTime: 0, backoff: { initial: 10_000, max: 300_000, resetAfter: 600_000 } }),
  liveness: liveness.optional(),
  healthCheck: healthCheck.optional(),
  heartbeat: heartbeat.optional(),
  outlierDetection: outlierDetection.optional(),
  panicThreshold: percent.optional().describe('Envoy healthy panic threshold, percent; default 50, 0 disables'),
  retries: retries.optional(),
  circuitBreakers: circuitBreakers.optional(),
  failureAccrual: failureAccrual.optional(),
  timeseries: z
    .strictObject({ window: positiveDuration.default(1000) })
    .default({ window: 1000 })
    .describe('window of timeseries.csv'),
};

interface FailureFields {
  service: { instances: number; zone: string; overrides: Array<{ zone?: string | undefined; instance?: number | undefined; instances?: number[] | undefined }> };
  timeout?: number | undefined;
  faults: Array<z.output<typeof fault>>;
  restart: z.output<typeof restart>;
  heartbeat?: z.output<typeof heartbeat> | undefined;
  liveness?: z.output<typeof liveness> | undefined;
  retries?: z.output<typeof retries> | undefined;
  outlierDetection?: z.output<typeof outlierDetection> | undefined;
  failureAccrual?: z.output<typeof failureAccrual> | undefined;
}

/** `at least \`base\` (1s)` with "the default" when the user left it out. */
function reference(key: string, ms: number, given: boolean): string {
  return `\`${key}\` (${formatDuration(ms)}${given ? '' : ', its default'})`;
}

/** Cross-field rules of the failure keys: targets that exist, settings that make sense. */
export function refineFailureKeys(s: FailureFields, ctx: z.RefinementCtx): void {
  const instances = s.service.instances;
  const zones = new Set([s.service.zone, ...s.service.overrides.flatMap((o) => (o.zone === undefined ? [] : [o.zone]))]);
  s.faults.forEach((f, i) => {
    const ids = 'instances' in f && f.instances !== undefined ? f.instances : 'instance' in f && f.instance !== undefined ? [f.instance] : [];
    const key = 'instances' in f && f.instances !== undefined ? 'instances' : 'instance';
    ids.forEach((id, j) => {
      if (Number.isInteger(instances) && id >= instances) {
        ctx.addIssue({
          code: 'custom',
          message: `an instance index below ${instances} (service.instances)`,
          path: ['faults', i, key, ...(key === 'instances' ? [j] : [])],
          input: id,
        });
      }
    });
    if (f.kind === 'zone' && !zones.has(f.zone)) {
      ctx.addIssue({
        code: 'custom',
        message: `a zone of the service (${[...zones].map((z) => `\`${z}\``).join(', ')})`,
        path: ['faults', i, 'zone'],
        input: f.zone,
      });
    }
  });
  const hb = s.heartbeat;
  if (hb?.detector.kind === 'timeout' && isPositive(hb.interval) && isPositive(hb.detector.after) && hb.detector.after <= hb.interval) {
    ctx.addIssue({
      code: 'custom',
      message: `a timeout longer than the heartbeat interval (${formatDuration(hb.interval)}); a shorter one suspects every instance between two heartbeats`,
      path: ['heartbeat', 'detector', 'after'],
      input: hb.detector.after,
    });
  }
  const lv = s.liveness;
  if (lv && isPositive(lv.period) && isPositive(lv.timeout) && lv.timeout > lv.period) {
    ctx.addIssue({
      code: 'custom',
      message: `a probe timeout no longer than the period (${formatDuration(lv.period)}): probes are sent every period`,
      path: ['liveness', 'timeout'],
      input: lv.timeout,
    });
  }
  const rt = s.retries;
  if (rt && rt.backoff.max !== undefined && isNonNegative(rt.backoff.max) && isPositive(rt.backoff.base) && rt.backoff.max < rt.backoff.base) {
    ctx.addIssue({
      code: 'custom',
      message: `a maximum back-off at least the base (${formatDuration(rt.backoff.base)})`,
      path: ['retries', 'backoff', 'max'],
      input: rt.backoff.max,
    });
  }
  if (rt && isPositive(rt.perTryTimeout) && isPositive(s.timeout) && rt.perTryTimeout > s.timeout) {
    ctx.addIssue({
      code: 'custom',
      message: `a per-try timeout no longer than \`timeout\` (${formatDuration(s.timeout)}): the request's timeout covers every attempt, so a longer one never fires`,
      path: ['retries', 'perTryTimeout'],
      input: rt.perTryTimeout,
    });
  }
  const backoff = s.restart.backoff;
  if (isPositive(backoff.initial) && isPositive(backoff.max) && backoff.initial > backoff.max) {
    ctx.addIssue({
      code: 'custom',
      message: `a first back-off no longer than \`max\` (${formatDuration(backoff.max)})`,
      path: ['restart', 'backoff', 'initial'],
      input: backoff.initial,
    });
  }
  refineEjectionKeys(s, ctx);
}

/** Outlier detection and failure accrual: each alone, with their own bounds in order. */
function refineEjectionKeys(s: FailureFields, ctx: z.RefinementCtx): void {
  const od = s.outlierDetection;
  if (od && isPositive(od.maxEjectionTime)) {
    const base = od.baseEjectionTime ?? DEFAULT_OUTLIER_DETECTOR_CONFIG.baseEjectionTime;
    if (isPositive(base) && od.maxEjectionTime < base) {
      ctx.addIssue({
        code: 'custom',
        message: `a maximum ejection time of at least ${reference('baseEjectionTime', base, od.baseEjectionTime !== undefined)}, as Envoy requires`,
        path: ['outlierDetection', 'maxEjectionTime'],
        input: od.maxEjectionTime,
      });
    }
  }
  const fa = s.failureAccrual;
  if (fa) {
    const min = fa.minPenalty ?? DEFAULT_FAILURE_ACCRUAL_CONFIG.minPenalty;
    const max = fa.maxPenalty ?? DEFAULT_FAILURE_ACCRUAL_CONFIG.maxPenalty;
    if (isPositive(min) && isPositive(max) && max < min) {
      // Blame the key the user wrote: the set one against the other's (perhaps default) value.
      const issue =
        fa.maxPenalty !== undefined
          ? { path: 'maxPenalty', message: `a maximum penalty of at least ${reference('minPenalty', min, fa.minPenalty !== undefined)}`, input: max }
          : { path: 'minPenalty', message: `a minimum penalty no longer than ${reference('maxPenalty', max, false)}`, input: min };
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['failureAccrual', issue.path], input: issue.input });
    }
  }
  if (od && fa) {
    ctx.addIssue({
      code: 'custom',
      message: "either `failureAccrual` (Linkerd's) or `outlierDetection` (Envoy's): they are alternatives, a mesh runs one",
      path: ['failureAccrual'],
      params: { found: 'both' },
    });
  }
}

export type FaultSpec = z.output<typeof fault>;
export type HealthCheckSpec = z.output<typeof healthCheck>;
export type HeartbeatSpec = z.output<typeof heartbeat>;
export type OutlierDetectionSpec = z.output<typeof outlierDetection>;
export type RetrySpec = z.output<typeof retries>;
export type RestartSpec = z.output<typeof restart>;
export type LivenessSpec = z.output<typeof liveness>;
