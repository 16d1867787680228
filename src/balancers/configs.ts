/**
 * Configuration schemas of the built-in balancers. They are the single source of each
 * balancer's option types, and the scenario schema composes them, so a scenario file and a
 * library user validate against the same rules and defaults.
 */
import { z } from 'zod';

export const roundRobinConfig = z
  .strictObject({
    kind: z.literal('round_robin'),
  })
  .describe('Envoy ROUND_ROBIN: random start per client; weighted EDF when weights differ');

export const randomConfig = z
  .strictObject({
    kind: z.literal('random'),
  })
  .describe('Envoy RANDOM: uniform choice, endpoint weights ignored');

export const weightedRoundRobinConfig = z
  .strictObject({
    kind: z.literal('weighted_round_robin'),
    variant: z
      .enum(['edf', 'smooth'])
      .default('edf')
      .describe('edf: Envoy earliest-deadline-first scheduler; smooth: NGINX smooth weighted round robin'),
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
  })
  .describe('Envoy LEAST_REQUEST: power of d choices on the local in-flight count');

export const balancerConfig = z.discriminatedUnion('kind', [
  roundRobinConfig,
  randomConfig,
  weightedRoundRobinConfig,
  leastRequestConfig,
]);

export type RoundRobinConfig = z.output<typeof roundRobinConfig>;
export type RandomConfig = z.output<typeof randomConfig>;
export type WeightedRoundRobinConfig = z.output<typeof weightedRoundRobinConfig>;
export type LeastRequestConfig = z.output<typeof leastRequestConfig>;
export type BalancerConfig = z.output<typeof balancerConfig>;
export type BalancerKind = BalancerConfig['kind'];
