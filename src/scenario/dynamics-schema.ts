/**
 * Scenario keys for a service whose instances change at run time, and how clients learn of
 * it (issue 13):
 *
 * - `membership`: the service's pods as a Kubernetes Deployment (pod start-up, readiness
 *   probe, graceful termination, rollout strategy) and the changes made to it at given times
 *   (scale to N, roll out a new version, delete a pod).
 * - `discovery`: how each client sidecar learns the endpoints: `xds` (the EndpointSlice
 *   controller, then an istiod-like control plane: informer lag, push debounce, throttle,
 *   per-sidecar delivery) or `dns` (CoreDNS with TTL and caching, and either Envoy STRICT_DNS
 *   refreshes or a client resolver cache). The control-plane settings sit inside
 *   `discovery: { kind: xds }` rather than in a top-level `controlPlane:` key because they mean
 *   nothing for DNS discovery; the EndpointSlice controller is shared by both.
 * - `autoscaling`: an HPA (`kind: hpa`) or Knative's KPA (`kind: kpa`) driving the replicas.
 *
 * Defaults are the systems' own (Kubernetes, Istio, Envoy, CoreDNS, Knative), quoted from the
 * models in src/membership, src/discovery and src/autoscale; times the systems leave to the
 * environment (start-up, informer and delivery delays) default to 0 and are meant to be set.
 *
 * The distribution schema comes in as a parameter: it lives in schema.ts, which spreads these
 * keys into the scenario, and a module cycle between the two would break whichever loads first.
 */
import { z } from 'zod';
import { duration, isNonNegative, isPositive, positiveDuration } from './common-schema.js';
import { formatDuration } from './duration.js';
import { expectedText } from './expected-text.js';

/** `25%` or a count, as Kubernetes' IntOrString. */
const intOrPercent = z
  .union([z.int().nonnegative(), z.string().regex(/^\d+(\.\d+)?%$/, 'a percentage such as "25%"')])
  .register(expectedText, { expected: 'a whole number or a percentage such as "25%"' });

const percentValue = (v: number | string) => (typeof v === 'number' ? v : Number(v.slice(0, -1)));

const wholeSeconds = (what: string) =>
  duration.refine((ms) => ms % 1000 === 0, `a whole number of seconds (Kubernetes takes ${what} in seconds)`);

export function dynamicsKeys<D extends z.ZodType>(distribution: D) {
  const delay = (description: string) => distribution.optional().describe(`${description}; default 0`);

  // Nested objects default through `prefault`: the empty object is parsed, so each field's own
  // default applies and is written once.
  const readiness = z
    .strictObject({
      period: positiveDuration.default(10_000),
      timeout: positiveDuration.default(1000),
      initialDelay: duration.default(0),
      successThreshold: z.int().positive().default(1),
      failureThreshold: z.int().positive().default(3),
    })
    .describe('Kubernetes readiness probe (core/v1 defaults): the pod is Ready, and routable, after successThreshold passing probes');

  const termination = z
    .strictObject({
      gracePeriod: wholeSeconds('terminationGracePeriodSeconds').default(30_000).describe('terminationGracePeriodSeconds'),
      preStop: duration.optional().describe('preStop hook duration (a `sleep`); leave out for no hook'),
      drainTimeout: duration.optional().describe('after SIGTERM the application drains in-flight requests at most this long; default until SIGKILL'),
      exitDelay: duration.default(0).describe('time from idle to exited after SIGTERM'),
    })
    .describe('graceful termination: preStop, SIGTERM, drain, SIGKILL at the grace period (+2 s past it when preStop overruns)');

  const pod = z
    .strictObject({
      scheduling: delay('pod created → container running (scheduling, image pull)'),
      startup: delay('container running → accepting connections'),
      readiness: readiness.prefault({}),
      termination: termination.prefault({}),
      coldStart: z
        .strictObject({
          slowdown: z.number().min(1).describe('service-time multiplier when the application starts listening'),
          duration: positiveDuration.describe('the multiplier falls linearly to 1 over this long (a JIT warming up, caches filling)'),
        })
        .optional()
        .describe('a new pod serves slowly at first; leave out for pods that are fast from the start'),
    })
    .describe('the pod template');

  const strategy = z.discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('RollingUpdate'),
      maxSurge: intOrPercent.default('25%').describe('extra pods above replicas (percent rounded up)'),
      maxUnavailable: intOrPercent.default('25%').describe('pods below replicas that may be unavailable (percent rounded down)'),
    }),
    z.strictObject({ type: z.literal('Recreate') }),
  ]);

  const change = z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('scale'), at: duration, replicas: z.int().nonnegative() }).describe('kubectl scale: set the replicas'),
    z
      .strictObject({ kind: z.literal('rollout'), at: duration, startup: distribution.optional().describe('the new version’s start-up time; default the current one') })
      .describe('a new pod template (an image update) rolls out'),
    z
      .strictObject({ kind: z.literal('delete'), at: duration, pod: z.int().nonnegative().describe('index among the live pods, oldest first') })
      .describe('kubectl delete pod: its ReplicaSet replaces it'),
  ]);

  const membership = z
    .strictObject({
      pod: pod.prefault({}),
      strategy: strategy.prefault({ type: 'RollingUpdate' }),
      minReadySeconds: wholeSeconds('minReadySeconds').default(0),
      changes: z.array(change).default([]),
      coldWindow: positiveDuration.default(60_000).describe('a pod counts as cold this long after it starts listening (membership.coldStart metrics)'),
    })
    .describe('the service as a Kubernetes Deployment whose pods come and go; service.instances is the initial replicas');

  const endpointSlice = z
    .strictObject({
      batchPeriod: duration.default(0).describe('--endpointslice-updates-batch-period'),
      syncLatency: delay('controller sync and API write'),
    })
    .prefault({});

  const dnsClient = z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('strict-dns'),
      refreshRate: positiveDuration.default(5000).describe('Envoy dns_refresh_rate (> 1 ms)'),
      respectDnsTtl: z.boolean().default(false).describe('Envoy respect_dns_ttl'),
      lookupLatency: delay('query → answer'),
    }),
    z
      .strictObject({ kind: z.literal('resolver-cache'), ttl: wholeSeconds('a resolver cache TTL').default(30_000) })
      .describe('the application resolves per connection through a cache that ignores record TTLs (the JVM: 30 s)'),
  ]);

  const discovery = z.discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('xds'),
        endpointSlice,
        informerLag: delay('EndpointSlice write → istiod'),
        debounce: z
          .strictObject({
            after: duration.default(100).describe('PILOT_DEBOUNCE_AFTER'),
            max: duration.default(10_000).describe('PILOT_DEBOUNCE_MAX'),
            eds: z.boolean().default(true).describe('PILOT_ENABLE_EDS_DEBOUNCE'),
          })
          .prefault({}),
        pushTime: delay('debounced push → every proxy queued'),
        throttle: z.int().positive().default(25).describe('PILOT_PUSH_THROTTLE: concurrent sends (Istio on 2 cores: 25)'),
        send: delay('one proxy’s send, holding a throttle slot'),
        delivery: delay('per sidecar: send end → applied'),
        ignoreHealthOnHostRemoval: z.boolean().default(false).describe('Envoy ignore_health_on_host_removal'),
      })
      .describe('EndpointSlices → istiod (debounce, throttle) → each sidecar'),
    z
      .strictObject({
        kind: z.literal('dns'),
        endpointSlice,
        ttl: wholeSeconds('a DNS TTL').default(5000).describe('CoreDNS kubernetes plugin record TTL'),
        informerLag: delay('EndpointSlice write → CoreDNS'),
        cache: z
          .union([
            z.strictObject({
              minTtl: wholeSeconds('a cache TTL').default(5000),
              maxTtl: wholeSeconds('a cache TTL').default(3_600_000),
            }),
            z.literal('none'),
          ])
          .prefault({})
          .describe('CoreDNS cache plugin (kubeadm writes `cache 30`: maxTtl 30s), or none'),
        client: dnsClient.prefault({ kind: 'strict-dns' }),
        ignoreHealthOnHostRemoval: z.boolean().default(false).describe('Envoy ignore_health_on_host_removal'),
      })
      .describe('headless Service DNS: CoreDNS answers, caches hold answers, clients refresh'),
  ]);

  const policy = z.strictObject({
    type: z.enum(['Pods', 'Percent']),
    value: z.int().positive(),
    period: wholeSeconds('periodSeconds').refine((ms) => ms > 0 && ms <= 1_800_000, 'a period of 1 s to 30 min'),
  });
  const rules = z.strictObject({
    stabilizationWindow: wholeSeconds('stabilizationWindowSeconds')
      .refine((ms) => ms <= 3_600_000, 'at most 1 h')
      .optional()
      .describe('default 0 up, the controller’s 5 min down'),
    selectPolicy: z.enum(['Max', 'Min', 'Disabled']).default('Max'),
    policies: z.array(policy).optional().describe('default up: 4 pods and 100 % per 15 s; down: 100 % per 15 s'),
    tolerance: z.number().min(0).lt(1).optional().describe('HPAConfigurableTolerance (alpha)'),
  });

  const hpaMetric = z.discriminatedUnion('type', [
    z
      .strictObject({ type: z.literal('cpu'), targetUtilization: z.int().positive().describe('percent of the CPU request: one core per server') })
      .describe('Resource cpu, Utilization: busy servers over service.concurrency'),
    z.strictObject({ type: z.literal('concurrency'), targetAverage: z.number().positive() }).describe('Pods metric: requests in flight per pod'),
    z.strictObject({ type: z.literal('rps'), targetAverage: z.number().positive() }).describe('Pods metric: requests per second per pod'),
  ]);

  const autoscaling = z.discriminatedUnion('kind', [
    z
      .strictObject({
        kind: z.literal('hpa'),
        minReplicas: z.int().nonnegative().default(1),
        maxReplicas: z.int().positive(),
        metrics: z.array(hpaMetric).min(1).default([{ type: 'cpu', targetUtilization: 80 }]),
        behavior: z.strictObject({ scaleUp: rules.optional(), scaleDown: rules.optional() }).optional().describe('leave out for the legacy normalization'),
        syncPeriod: positiveDuration.default(15_000),
        tolerance: z.number().min(0).lt(1).default(0.1),
        cpuInitializationPeriod: duration.default(300_000),
        initialReadinessDelay: duration.default(30_000),
        downscaleStabilization: duration.default(300_000),
        metricsResolution: positiveDuration.default(15_000).describe('metrics-server --metric-resolution'),
      })
      .describe('Kubernetes HorizontalPodAutoscaler (autoscaling/v2)'),
    z
      .strictObject({
        kind: z.literal('kpa'),
        containerConcurrency: z.int().nonnegative().default(0).describe('0: unlimited (the target default applies)'),
        targetDefault: z.number().positive().default(100).describe('container-concurrency-target-default'),
        targetUtilization: z.number().min(1).max(100).default(70).describe('container-concurrency-target-percentage'),
        stableWindow: wholeSeconds('stable-window')
          .refine((ms) => ms >= 6000 && ms <= 3_600_000, '6 s to 1 h')
          .default(60_000),
        panicWindowPercentage: z.number().min(1).max(100).default(10),
        panicThreshold: z.number().min(110).max(1000).default(200).describe('percent'),
        maxScaleUpRate: z.number().gt(1).default(1000),
        maxScaleDownRate: z.number().gt(1).default(2),
        tickInterval: positiveDuration.default(2000),
        scaleDownDelay: duration.default(0),
        minScale: z.int().nonnegative().default(0),
        maxScale: z.int().nonnegative().default(0).describe('0: unbounded'),
        scaleToZero: z.boolean().default(true),
        scaleToZeroGracePeriod: duration.default(30_000),
      })
      .describe('Knative Pod Autoscaler: concurrency over stable and panic windows'),
  ]);

  return {
    membership: membership.optional(),
    discovery: discovery.optional(),
    autoscaling: autoscaling.optional(),
  };
}

interface DynamicsFields {
  service: { instances: number };
  membership?: { strategy: { type: string; maxSurge?: number | string; maxUnavailable?: number | string }; pod: { readiness: { period: number; timeout: number } } } | undefined;
  discovery?: { kind: string; cache?: unknown } | undefined;
  autoscaling?: { kind: string; minReplicas?: number; maxReplicas?: number; minScale?: number; maxScale?: number } | undefined;
}

/** Cross-field rules of the dynamics keys. */
export function refineDynamicsKeys(s: DynamicsFields, ctx: z.RefinementCtx): void {
  const m = s.membership;
  if (m?.strategy.type === 'RollingUpdate' && m.strategy.maxSurge !== undefined && m.strategy.maxUnavailable !== undefined) {
    const surge = percentValue(m.strategy.maxSurge);
    const unavailable = percentValue(m.strategy.maxUnavailable);
    if (surge === 0 && unavailable === 0) {
      ctx.addIssue({ code: 'custom', message: 'maxUnavailable above 0 when maxSurge is 0 (Kubernetes rejects both 0)', path: ['membership', 'strategy', 'maxUnavailable'], input: m.strategy.maxUnavailable });
    }
    for (const [key, value] of [
      ['maxSurge', m.strategy.maxSurge],
      ['maxUnavailable', m.strategy.maxUnavailable],
    ] as const) {
      if (typeof value === 'string' && percentValue(value) > 100) {
        ctx.addIssue({ code: 'custom', message: 'a percentage of at most 100%', path: ['membership', 'strategy', key], input: value });
      }
    }
  }
  const r = m?.pod.readiness;
  if (r && isPositive(r.period) && isPositive(r.timeout) && r.timeout > r.period) {
    ctx.addIssue({
      code: 'custom',
      message: `a probe timeout no longer than the period (${formatDuration(r.period)})`,
      path: ['membership', 'pod', 'readiness', 'timeout'],
      input: r.timeout,
      params: { defaulted: formatDuration(r.timeout) },
    });
  }
  const d = s.discovery;
  if (d?.kind === 'dns' && d.cache !== undefined && typeof d.cache === 'object') {
    const cache = d.cache as { minTtl: number; maxTtl: number };
    if (isNonNegative(cache.minTtl) && isNonNegative(cache.maxTtl) && cache.maxTtl < cache.minTtl) {
      ctx.addIssue({ code: 'custom', message: `a maxTtl of at least minTtl (${formatDuration(cache.minTtl)})`, path: ['discovery', 'cache', 'maxTtl'], input: cache.maxTtl });
    }
  }
  const a = s.autoscaling;
  if (a?.kind === 'hpa' && Number.isInteger(a.minReplicas) && Number.isInteger(a.maxReplicas) && a.maxReplicas! < a.minReplicas!) {
    ctx.addIssue({ code: 'custom', message: `a maxReplicas of at least minReplicas (${a.minReplicas})`, path: ['autoscaling', 'maxReplicas'], input: a.maxReplicas });
  }
  if (a?.kind === 'kpa' && a.maxScale !== undefined && a.maxScale > 0 && a.minScale !== undefined && a.maxScale < a.minScale) {
    ctx.addIssue({ code: 'custom', message: `a maxScale of 0 (unbounded) or at least minScale (${a.minScale})`, path: ['autoscaling', 'maxScale'], input: a.maxScale });
  }
}

/** The top-level keys this file adds. */
export const DYNAMICS_KEYS = ['membership', 'discovery', 'autoscaling'] as const;
