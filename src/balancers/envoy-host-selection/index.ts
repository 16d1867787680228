/**
 * Envoy's host selection (priority levels, panic threshold, zone-aware routing) as a wrapper
 * around any balancer, and the one place that assembles an Envoy-family balancer from its
 * config: wrapper + shared slow-start tracker + inner balancer per host source.
 */
import { SlowStart } from '../_internals/slow-start.js';
import type { Balancer, BalancerDeps } from '../types.js';
import {
  DEFAULT_OVERPROVISIONING_FACTOR,
  DEFAULT_PANIC_THRESHOLD,
  DEFAULT_ROUTING_ENABLED,
  DEFAULT_MIN_CLUSTER_SIZE,
  type HostSelectionConfig,
  type SlowStartConfig,
} from './config.js';
import { EnvoyHostSelection, resolveHostSelection } from './host-selection.js';

export * from './config.js';
export * from './host-selection.js';
export { choosePriority, priorityState, type PriorityState } from './priority-load.js';
export { zoneRouting, type LocalityRouting, type ZoneRoutingInput } from './zone-routing.js';

/** An Envoy-family config: host selection, and slow start where the kind supports it. */
export type EnvoyFamilyConfig = HostSelectionConfig & { readonly slowStart?: SlowStartConfig | undefined };

/**
 * Wraps `build` in Envoy host selection. `build` makes one inner balancer (it is called once
 * per host source) and receives the slow-start tracker all of them share, if configured.
 */
export function envoyBalancer(
  config: EnvoyFamilyConfig,
  deps: BalancerDeps,
  build: (deps: BalancerDeps, slowStart: SlowStart | undefined) => Balancer,
): EnvoyHostSelection {
  const slowStart = config.slowStart === undefined ? undefined : new SlowStart(config.slowStart, deps.now);
  return new EnvoyHostSelection(deps, resolveHostSelection(config), (inner) => build(inner, slowStart), slowStart ?? null);
}

/**
 * Label parts for the Envoy-family options that differ from Envoy's defaults, e.g.
 * `['panic=0', 'zone_aware', 'slow_start=30000ms']`; empty for a default config.
 */
export function envoyOptionLabels(config: EnvoyFamilyConfig): string[] {
  const parts: string[] = [];
  if (config.panicThreshold !== undefined && Math.round(config.panicThreshold) !== DEFAULT_PANIC_THRESHOLD) {
    parts.push(`panic=${Math.round(config.panicThreshold)}`);
  }
  if (config.overprovisioningFactor !== undefined && config.overprovisioningFactor !== DEFAULT_OVERPROVISIONING_FACTOR) {
    parts.push(`opf=${config.overprovisioningFactor}`);
  }
  const zone = config.zoneAware;
  if (zone?.enabled) {
    const options: string[] = [];
    if (zone.minClusterSize !== DEFAULT_MIN_CLUSTER_SIZE) options.push(`min=${zone.minClusterSize}`);
    if (zone.routingEnabled !== DEFAULT_ROUTING_ENABLED) options.push(`routing=${zone.routingEnabled}%`);
    if (zone.localFleet !== undefined) options.push('fleet');
    parts.push(options.length === 0 ? 'zone_aware' : `zone_aware[${options.join(' ')}]`);
  }
  const slowStart = config.slowStart;
  if (slowStart !== undefined) {
    const options = [`${slowStart.windowMs}ms`];
    if (slowStart.aggression !== 1) options.push(`aggression=${slowStart.aggression}`);
    if (slowStart.minWeightPercent !== 10) options.push(`min=${slowStart.minWeightPercent}%`);
    parts.push(`slow_start=${options.join(' ')}`);
  }
  return parts;
}

/** `name(own…,envoy options…)`, or `name` alone when both lists are empty. */
export function envoyLabel(name: string, own: readonly string[], config: EnvoyFamilyConfig): string {
  const parts = [...own, ...envoyOptionLabels(config)];
  return parts.length === 0 ? name : `${name}(${parts.join(',')})`;
}
