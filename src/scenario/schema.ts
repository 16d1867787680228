/**
 * The scenario schema: the single source of the Scenario type, of defaults, of validation
 * and (through `z.toJSONSchema`) of the published JSON Schema in schema/scenario.schema.json.
 *
 * Input shape: what users write (durations with units). Output shape (`Scenario`): durations
 * in milliseconds, defaults filled in. Everything after the loader trusts the output shape.
 */
import { z } from 'zod';
import { balancerConfig } from '../balancers/configs.js';
import { formatDuration } from './duration.js';
import { countUpTo, duration, isNonNegative, isPositive, positiveDuration } from './common-schema.js';
import { expectedText } from './expected-text.js';
import { failureKeys, refineFailureKeys } from './failure-schema.js';
import {
  ARRAY_REASON,
  KEYS_REASON,
  MAX_CLIENT_INSTANCE_PAIRS,
  MAX_CLIENTS,
  MAX_INSTANCES,
  MAX_KEYS,
  PAIRS_REASON,
} from './limits.js';

/** `column` picks a column of `file`: on its own it would be silently ignored. */
function columnNeedsFile(d: { file?: string | undefined; column?: string | number | undefined }, ctx: z.RefinementCtx): void {
  if (d.column !== undefined && d.file === undefined) {
    ctx.addIssue({ code: 'custom', message: 'a `column` only together with `file`, whose column it names', path: ['column'], input: d.column });
  }
}
import { dynamicsKeys, refineDynamicsKeys } from './dynamics-schema.js';
import { refineSlo, sloSchema } from '../slo/schema.js';
import { faultSpaceSchema, provenanceSchema, refineFaultSpace, searchSchema } from '../check/schema.js';
import { instanceConfigs } from './instance-attributes.js';

/** Distributions of times (service times, network latency). All parameters in milliseconds. */
export const distribution = z.discriminatedUnion('dist', [
  z.strictObject({ dist: z.literal('constant'), value: duration }),
  z.strictObject({ dist: z.literal('exponential'), mean: positiveDuration }),
  z
    .strictObject({ dist: z.literal('lognormal'), median: positiveDuration, p99: positiveDuration })
    .superRefine((d, ctx) => {
      if (isNonNegative(d.median) && isNonNegative(d.p99) && d.p99 <= d.median) {
        const message = `a duration greater than \`median\` (${formatDuration(d.median)})`;
        ctx.addIssue({ code: 'custom', message, path: ['p99'], input: d.p99 });
      }
    }),
  z.strictObject({
    dist: z.literal('gamma'),
    mean: positiveDuration,
    scv: z.number().positive().describe('squared coefficient of variation, Var/mean²'),
  }),
  z.strictObject({
    dist: z.literal('hyperexponential'),
    mean: positiveDuration,
    scv: z.number().min(1).describe('squared coefficient of variation ≥ 1 (balanced-means H2)'),
  }),
  z.strictObject({
    dist: z.literal('pareto'),
    mean: positiveDuration,
    shape: z.number().gt(1).describe('tail index α > 1 (the mean is infinite otherwise)'),
  }),
  z
    .strictObject({ dist: z.literal('uniform'), min: duration, max: duration })
    .superRefine((d, ctx) => {
      if (isNonNegative(d.min) && isNonNegative(d.max) && d.max < d.min) {
        const message = `a duration of at least \`min\` (${formatDuration(d.min)})`;
        ctx.addIssue({ code: 'custom', message, path: ['max'], input: d.max });
      }
    }),
  z
    .strictObject({
      dist: z.literal('empirical'),
      file: z.string().min(1).optional().describe('CSV file of samples, relative to the scenario file'),
      column: z.union([z.string(), z.int().nonnegative()]).optional().describe('column name or index; default the first'),
      unit: z.enum(['us', 'ms', 's']).default('ms').describe('unit of the values in the file'),
      values: z.array(z.number().nonnegative()).min(1).optional().describe('samples in milliseconds, instead of a file'),
    })
    .refine((d) => d.file !== undefined || d.values !== undefined, {
      message: '`file` (a CSV of samples) or `values`',
      params: { found: 'neither' },
    })
    .superRefine(columnNeedsFile),
]).register(expectedText, { expected: 'a distribution such as { dist: exponential, mean: 10ms }' });

const keys = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('uniform'), count: countUpTo(MAX_KEYS, KEYS_REASON) }),
  z.strictObject({
    kind: z.literal('zipf'),
    count: countUpTo(MAX_KEYS, KEYS_REASON),
    s: z.number().nonnegative().default(1).describe('Zipf exponent: P(key k) ∝ 1/k^s'),
  }),
]);

const rate = z
  .number()
  .positive()
  .describe('requests per second')
  .register(expectedText, { expected: 'a positive number of requests per second' });

const arrivalsCommon = { keys: keys.optional().describe('request keys, for hashing balancers') };

export const arrivals = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('poisson'), rate, ...arrivalsCommon }),
  z.strictObject({ kind: z.literal('constant'), rate, ...arrivalsCommon }),
  z
    .strictObject({
      kind: z.literal('onoff'),
      rate: rate.describe('requests per second while on'),
      offRate: z.number().nonnegative().default(0).describe('requests per second while off'),
      on: positiveDuration.describe('mean length of an on period'),
      off: positiveDuration.describe('mean length of an off period'),
      periods: z.enum(['exponential', 'fixed']).default('exponential'),
      ...arrivalsCommon,
    })
    .describe('bursty: Markov-modulated Poisson process with two states'),
  z
    .strictObject({
      kind: z.literal('diurnal'),
      rate: rate.describe('mean requests per second over a period'),
      amplitude: z.number().min(0).max(1).default(0.5).describe('rate(t) = rate·(1 + amplitude·sin(2π(t+phase)/period))'),
      period: positiveDuration.default(86_400_000),
      phase: duration.default(0),
      ...arrivalsCommon,
    })
    .describe('non-homogeneous Poisson process with a sinusoidal rate'),
  z
    .strictObject({
      kind: z.literal('trace'),
      file: z.string().min(1).optional().describe('CSV file of arrival timestamps, relative to the scenario file'),
      column: z.union([z.string(), z.int().nonnegative()]).optional().describe('column name or index; default the first'),
      unit: z.enum(['us', 'ms', 's']).default('s').describe('unit of the timestamps in the file'),
      times: z.array(z.number().nonnegative()).min(1).optional().describe('timestamps in milliseconds, instead of a file'),
      ...arrivalsCommon,
    })
    // Both are present once the loader has read `file` into `times`; such a scenario must
    // still validate, so it can be passed through `resolveScenario` again.
    .refine((d) => d.file !== undefined || d.times !== undefined, {
      message: '`file` (a CSV of timestamps) or `times`',
      params: { found: 'neither' },
    })
    .superRefine(columnNeedsFile)
    .superRefine((d, ctx) => {
      const i = d.times?.findIndex((t, j) => j > 0 && t < d.times![j - 1]!) ?? -1;
      if (i > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `a timestamp no earlier than the one before it (${d.times![i - 1]})`,
          path: ['times', i],
          input: d.times![i],
        });
      }
    })
    .describe('replays recorded arrival timestamps (sorted ascending), shifted so the first is at 0'),
]).register(expectedText, { expected: 'an arrival process such as { kind: poisson, rate: 100 }' });

const override = z
  .strictObject({
    instance: z.int().nonnegative().optional(),
    instances: z.array(z.int().nonnegative()).min(1).optional(),
    speed: z.number().positive().optional().describe('scales the service rate: 0.5 serves at half speed'),
    weight: z.number().positive().optional().describe('load-balancing weight'),
    zone: z.string().min(1).optional(),
    priority: z.int().nonnegative().optional().describe('Envoy priority level; 0 (the default) is the highest'),
  })
  .superRefine((o, ctx) => {
    if ((o.instance === undefined) === (o.instances === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'exactly one of `instance` or `instances`',
        params: { found: o.instance === undefined ? 'neither' : 'both' },
      });
    }
  });

export const service = z.strictObject({
  instances: countUpTo(MAX_INSTANCES, ARRAY_REASON),
  concurrency: z.int().positive().default(1).describe('requests served at once per instance'),
  queueLimit: z.int().nonnegative().optional().describe('waiting requests beyond this are rejected; default unlimited'),
  serviceTime: distribution,
  zone: z.string().min(1).default('default').describe('zone of every instance without an override'),
  overrides: z.array(override).default([]),
});

export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors; ignored by meshsim'),
    name: z.string().min(1),
    description: z.string().optional(),
    seed: z.int().nonnegative().default(1),
    duration: positiveDuration.optional().describe('simulated time during which requests arrive'),
    requests: z.int().positive().optional().describe('stop after this many arrivals'),
    warmup: duration.default(0).describe('requests arriving earlier are excluded from statistics'),
    drain: duration
      .optional()
      .describe('after arrivals stop, wait at most this long for in-flight requests; default: until all finish'),
    replications: z.int().positive().default(1),
    clients: z
      .strictObject({
        count: countUpTo(MAX_CLIENTS, ARRAY_REASON).default(1),
        zones: z
          .array(z.string().min(1))
          .min(1)
          .optional()
          .describe('zones of the clients, assigned in turn (client i is in zones[i mod length]); default the service zone'),
      })
      .default({ count: 1 }),
    arrivals,
    service,
    network: z
      .strictObject({ latency: distribution.describe('one way, client to instance and back') })
      .optional(),
    timeout: positiveDuration.optional().describe('per request at the client'),
    balancer: balancerConfig,
    compare: z.array(balancerConfig).min(1).optional().describe('strategies for `meshsim compare`'),
    ...failureKeys,
    ...dynamicsKeys(distribution),
    slo: sloSchema.optional(),
    faultSpace: faultSpaceSchema.optional(),
    search: searchSchema.optional(),
    provenance: provenanceSchema.optional(),
  })
  // Cross-field rules. zod runs them even when some fields failed their own checks without
  // aborting (a negative number, say), so each rule first checks that its inputs are sound and
  // stays silent otherwise: one mistake, one message.
  .superRefine((s, ctx) => {
    if ((s.duration === undefined) === (s.requests === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'exactly one of `duration` or `requests`',
        path: [],
        params: { found: s.duration === undefined ? 'neither' : 'both' },
      });
    }
    if (isPositive(s.duration) && Number.isFinite(s.warmup) && s.warmup >= s.duration) {
      ctx.addIssue({
        code: 'custom',
        message: `a warm-up shorter than \`duration\` (${formatDuration(s.duration)})`,
        path: ['warmup'],
        input: s.warmup,
      });
    }
    refineSlo(s, ctx);
    const instances = s.service.instances;
    if (!Number.isInteger(instances) || instances <= 0 || instances > MAX_INSTANCES) return;
    const clients = s.clients.count;
    if (Number.isInteger(clients) && clients <= MAX_CLIENTS && clients * instances > MAX_CLIENT_INSTANCE_PAIRS) {
      const most = Math.floor(MAX_CLIENT_INSTANCE_PAIRS / instances).toLocaleString('en-US');
      ctx.addIssue({
        code: 'custom',
        message: `at most ${most} clients with ${instances.toLocaleString('en-US')} instances (${PAIRS_REASON})`,
        path: ['clients', 'count'],
        input: clients,
      });
    }
    refineFailureKeys(s, ctx);
    refineDynamicsKeys(s, ctx);
    // Every instance's zone only when a fault space needs them: the table is O(instances), and
    // validation must not allocate per instance before the pre-run estimate has had its say.
    if (s.faultSpace !== undefined) refineFaultSpace(s, instanceConfigs({ service: s.service } as Scenario).map((i) => i.zone), ctx);
    s.service.overrides.forEach((o, i) => {
      for (const [j, id] of (o.instances ?? (o.instance === undefined ? [] : [o.instance])).entries()) {
        if (id >= instances) {
          ctx.addIssue({
            code: 'custom',
            message: `an instance index below ${s.service.instances} (service.instances)`,
            path: ['service', 'overrides', i, o.instances ? 'instances' : 'instance', ...(o.instances ? [j] : [])],
            input: id,
          });
        }
      }
    });
  });


export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type DistributionSpec = z.output<typeof distribution>;
export type ArrivalSpec = z.output<typeof arrivals>;
export type KeySpec = NonNullable<ArrivalSpec['keys']>;
export type ServiceSpec = z.output<typeof service>;
export type {
  FaultSpec,
  HealthCheckSpec,
  HeartbeatSpec,
  LivenessSpec,
  OutlierDetectionSpec,
  RestartSpec,
  RetrySpec,
} from './failure-schema.js';
