/**
 * The options every Envoy-family balancer kind takes besides its own: priority load and panic
 * (`panicThreshold`, `overprovisioningFactor`), zone-aware routing (`zoneAware`) and, on
 * round_robin and least_request, slow start (`slowStart`). configs.ts spreads these fields into
 * those kinds' schemas.
 *
 * Host-selection fields are optional without schema defaults: `resolveHostSelection` fills
 * Envoy's defaults, so parsed configs (and every output that echoes them) stay as they were
 * for scenarios that do not use them.
 */
import { z } from 'zod';
import { DEFAULT_AGGRESSION, DEFAULT_MIN_WEIGHT_PERCENT } from '../_internals/slow-start.js';

/** Envoy `healthy_panic_threshold` default (percent). */
export const DEFAULT_PANIC_THRESHOLD = 50;
/** Envoy EDS `overprovisioning_factor` default, 140 %, as a ratio. */
export const DEFAULT_OVERPROVISIONING_FACTOR = 1.4;
/** Envoy `ZoneAwareLbConfig.min_cluster_size` default. */
export const DEFAULT_MIN_CLUSTER_SIZE = 6;
/** Envoy `ZoneAwareLbConfig.routing_enabled` default (percent). */
export const DEFAULT_ROUTING_ENABLED = 100;

export const zoneAwareConfig = z
  .strictObject({
    enabled: z.boolean().default(false).describe('route by zone (Envoy zone-aware routing, priority 0 only)'),
    minClusterSize: z
      .int()
      .nonnegative()
      .default(DEFAULT_MIN_CLUSTER_SIZE)
      .describe('Envoy min_cluster_size: no zone-aware routing below this many healthy priority-0 endpoints'),
    routingEnabled: z
      .number()
      .min(0)
      .max(100)
      .default(DEFAULT_ROUTING_ENABLED)
      .describe('Envoy routing_enabled: percent of picks that use zone-aware routing (rounded to an integer)'),
    localFleet: z
      .record(z.string().min(1), z.int().nonnegative())
      .optional()
      .describe(
        'callers (the local cluster) per zone; default: spread as the priority-0 endpoints are, whatever their health',
      ),
  })
  .describe('Envoy zone-aware routing: local zone first, spill to zones with spare capacity');

export const hostSelectionFields = {
  panicThreshold: z
    .number()
    .min(0)
    .max(100)
    .optional()
    .describe('Envoy healthy_panic_threshold, percent (default 50; 0 disables panic)'),
  overprovisioningFactor: z
    .number()
    .min(0.01)
    .optional()
    .describe('Envoy overprovisioning_factor as a ratio (default 1.4, EDS 140)'),
  zoneAware: zoneAwareConfig.optional(),
};

/** For kinds that are not Envoy's: a host-selection option set is an error, not silently ignored. */
export function rejectHostSelection(config: HostSelectionConfig, ctx: z.RefinementCtx, what: string): void {
  for (const key of ['panicThreshold', 'overprovisioningFactor', 'zoneAware'] as const) {
    if (config[key] === undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [key],
      message: `no Envoy host-selection option here: ${what} has no priorities, panic threshold or zone-aware routing`,
    });
  }
}

export const slowStartConfig = z
  .strictObject({
    windowMs: z.number().positive().describe('Envoy slow_start_window, milliseconds'),
    aggression: z
      .number()
      .positive()
      .default(DEFAULT_AGGRESSION)
      .describe('Envoy aggression: 1 ramps linearly; weight ∝ (t/window)^(1/aggression)'),
    minWeightPercent: z
      .number()
      .min(0)
      .max(100)
      .default(DEFAULT_MIN_WEIGHT_PERCENT)
      .describe('Envoy min_weight_percent: floor of the slow-start factor'),
  })
  .describe('Envoy slow start: a newly healthy endpoint ramps up to its weight over the window');

export const slowStartField = { slowStart: slowStartConfig.optional() };

export type ZoneAwareConfig = z.output<typeof zoneAwareConfig>;
export type SlowStartConfig = z.output<typeof slowStartConfig>;
/** The host-selection part of a parsed Envoy-family config. */
export interface HostSelectionConfig {
  readonly panicThreshold?: number | undefined;
  readonly overprovisioningFactor?: number | undefined;
  readonly zoneAware?: ZoneAwareConfig | undefined;
}
