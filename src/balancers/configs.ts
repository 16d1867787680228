/**
 * Configuration schemas of the built-in balancers. They are the single source of each
 * balancer's option types, and the scenario schema composes them, so a scenario file and a
 * library user validate against the same rules and defaults.
 */
import { z } from 'zod';
import { loadAwareBalancerConfigs } from './load-aware-configs.js';
import { maglevConfig, ringHashConfig } from './hashing-configs.js';
import { hostSelectionFields, rejectHostSelection, slowStartField } from './envoy-host-selection/config.js';
import { grpcWeightedRoundRobinConfig, jiqConfig, jsqConfig } from './feedback-configs.js';

export const roundRobinConfig = z
  .strictObject({
    kind: z.literal('round_robin'),
    ...hostSelectionFields,
    ...slowStartField,
  })
  .describe('Envoy ROUND_ROBIN: random start per client; weighted EDF when weights differ');

export const randomConfig = z
  .strictObject({
    kind: z.literal('random'),
    ...hostSelectionFields,
  })
  .describe('Envoy RANDOM: uniform choice, endpoint weights ignored');

export const weightedRoundRobinConfig = z
  .strictObject({
    kind: z.literal('weighted_round_robin'),
    variant: z
      .enum(['edf', 'smooth'])
      .default('edf')
      .describe('edf: Envoy earliest-deadline-first scheduler; smooth: NGINX smooth weighted round robin'),
    // Envoy host selection applies to the edf variant; NGINX (smooth) has none.
    ...hostSelectionFields,
  })
  .superRefine((config, ctx) => {
    if (config.variant === 'smooth') rejectHostSelection(config, ctx, 'NGINX smooth weighted round robin');
  })
  .describe('Weighted round robin, Envoy EDF or NGINX smooth variant');

export const leastRequestConfig = z
  .strictObject({
    kind: z.literal('least_request'),
    choices: z
      .int()
      .min(2)
      .default(2)
      .describe('Envoy choice_count: hosts sampled uniformly WITH replacement per pick'),
    selection: z
      .enum(['n_choices', 'full_scan'])
      .default('n_choices')
      .describe('Envoy selection_method: sample `choices` hosts, or scan all (ties broken uniformly)'),
    activeRequestBias: z
      .number()
      .min(0)
      .default(1)
      .describe('Envoy active_request_bias: weighted path uses weight / (active + 1)^bias'),
    ...hostSelectionFields,
    ...slowStartField,
  })
  .describe('Envoy LEAST_REQUEST: power of d choices on the local in-flight count');

/** The built-in balancers, by `kind`. */
export const builtinBalancerConfig = z.discriminatedUnion('kind', [
  roundRobinConfig,
  randomConfig,
  weightedRoundRobinConfig,
  leastRequestConfig,
  grpcWeightedRoundRobinConfig,
  jsqConfig,
  jiqConfig,
  ringHashConfig,
  maglevConfig,
  ...loadAwareBalancerConfigs,
]);

/**
 * A user's balancer module (docs/balancers.md): `{ module: ./my-balancer.js, ...options }`.
 * `module` is the path of a JavaScript module, relative to the scenario file (the scenario
 * loader makes it absolute); every other key is an option the module validates itself, once
 * it is loaded (src/plugins). `kind: module` is implied and filled in, so code that reads
 * `config.kind` sees a string for every strategy, and a parsed config parses again unchanged.
 */
export const pluginBalancerConfig = z
  .looseObject({
    kind: z.literal('module').optional(),
    // Optional only so that a mapping with neither `kind` nor `module` gets the message below,
    // which names the built-in kinds; `.meta` keeps `module` required in the JSON Schema.
    module: z.string().min(1).optional().describe('path of a balancer module (JavaScript), relative to the scenario file'),
  })
  .superRefine((config, ctx) => {
    if (config.module !== undefined) return;
    const kinds = builtinBalancerConfig.options
      .flatMap((option) => [...(option._zod.propValues?.kind ?? [])])
      .map((kind) => `\`${String(kind)}\``)
      .join(', ');
    ctx.addIssue({
      code: 'custom',
      path: ['kind'],
      message: `\`kind\` (one of ${kinds}) or \`module\` (the path of a balancer module)`,
      params: { found: 'neither' },
    });
  })
  // `kind` first, whether or not the file gave it: a written scenario then loads back to the same key order (check's counterexample.yaml, its fingerprint).
  .transform(({ kind: _kind, module, ...options }) => ({ kind: 'module' as const, module: module!, ...options }))
  .meta({ required: ['module'] })
  .describe('a balancer module of your own: `module` is its path, the other keys its options');

/**
 * Any balancer: a built-in `kind`, or a plug-in `module`. One discriminated union (the plug-in
 * branch takes a missing `kind`), so error messages follow the branch the user meant.
 */
export const balancerConfig = z.discriminatedUnion('kind', [...builtinBalancerConfig.options, pluginBalancerConfig]);

export type RoundRobinConfig = z.output<typeof roundRobinConfig>;
export type RandomConfig = z.output<typeof randomConfig>;
export type WeightedRoundRobinConfig = z.output<typeof weightedRoundRobinConfig>;
export type LeastRequestConfig = z.output<typeof leastRequestConfig>;
export type BuiltinBalancerConfig = z.output<typeof builtinBalancerConfig>;
export type PluginBalancerConfig = z.output<typeof pluginBalancerConfig>;
export type BalancerConfig = z.output<typeof balancerConfig>;
/** The built-in kinds; a plug-in's config says `kind: 'module'`. */
export type BalancerKind = BuiltinBalancerConfig['kind'];
