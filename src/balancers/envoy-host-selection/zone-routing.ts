/**
 * Envoy zone-aware routing: how much of priority 0's traffic stays in the caller's zone, and
 * where the rest goes.
 *
 * Implements: `ZoneAwareLoadBalancerBase::regenerateLocalityRoutingStructures`,
 * `earlyExitNonLocalityRouting`, `calculateLocalityPercentages` and
 * `tryChooseLocalLocalityHosts` (envoyproxy/envoy
 * source/extensions/load_balancing_policies/common/load_balancer_impl.cc @00cf9a05;
 * `ZoneAwareLbConfig` in common.proto); reference notes: balancers.md §1.11 and B2.
 *
 * Variant, exactly (basis 10000, integer arithmetic):
 * - Localities are the zones of priority-0 endpoints, the caller's zone first (when it has
 *   any), the others by name. Each locality's upstream hosts are its HEALTHY endpoints.
 * - No zone-aware routing when: fewer than 2 upstream localities; the local fleet spans fewer
 *   than 2 zones; the local fleet has nobody in the caller's zone (or the zone is unknown);
 *   fewer than `minClusterSize` healthy priority-0 endpoints.
 * - `local%[L] = ⌊10000 · local_L / Σ local⌋`, `upstream%[L] = ⌊10000 · healthy_L / Σ healthy⌋`.
 *   If the caller's zone has upstream hosts and `upstream%[mine] > 0` and
 *   `upstream%[mine] ≥ local%[mine]`: every pick stays local (LocalityDirect). Otherwise
 *   (LocalityResidual) a pick stays local with probability `⌊upstream% · 10000 / local%⌋` in
 *   10000 (0 when the caller's zone has no upstream hosts), and the others go to a zone chosen
 *   in proportion to its residual capacity `max(0, upstream%[L] − local%[L])`, or uniformly at
 *   random among all localities when no zone has any (Envoy's rounding corner case).
 * - Not modelled: `force_locality_direct_routing`, `force_local_zone`, `fail_traffic_on_panic`,
 *   locality-weighted LB (mutually exclusive with zone-aware routing), and the local fleet's
 *   own health and panic (the fleet is taken as healthy).
 *
 * Simplification, stated: Envoy reads the local fleet (callers per zone) from its local
 * cluster. By default here the local fleet is spread over zones exactly as the priority-0
 * endpoints are, counting every endpoint whatever its health: the deployment's shape, against
 * which the healthy upstream endpoints are compared. With every endpoint healthy each zone then
 * serves its own callers (LocalityDirect); as a zone loses healthy endpoints its callers spill
 * to zones with spare capacity. `localFleet` replaces the default with explicit counts.
 */

import { uniformIndex } from '../_internals/random-draws.js';
import type { RandomSource } from '../types.js';

export const BASIS = 10_000;

export type LocalityRouting =
  | { readonly mode: 'none' }
  | { readonly mode: 'direct' }
  | {
      readonly mode: 'residual';
      /** Picks in 10000 that stay local. */
      readonly localPercentToRoute: number;
      /** Cumulative residual capacity per locality (index 0 the caller's zone when present). */
      readonly residualCapacity: readonly number[];
    };

export interface ZoneRoutingInput {
  /** Priority-0 localities in Envoy's order: the caller's zone first when present. */
  readonly localities: readonly string[];
  /** Whether `localities[0]` is the caller's zone. */
  readonly hasLocalLocality: boolean;
  /** Healthy priority-0 endpoints per locality. */
  readonly healthyPerLocality: readonly number[];
  /** Callers per zone (every zone of the local fleet, not only upstream ones). */
  readonly localFleet: ReadonlyMap<string, number>;
  readonly localZone: string | undefined;
  readonly minClusterSize: number;
}

export function zoneRouting(input: ZoneRoutingInput): LocalityRouting {
  const { localities, hasLocalLocality, healthyPerLocality, localFleet } = input;
  if (earlyExit(input)) return { mode: 'none' };

  let totalLocal = 0;
  for (const count of localFleet.values()) totalLocal += count;
  const totalUpstream = healthyPerLocality.reduce((a, b) => a + b, 0);
  const localPercent: number[] = [];
  const upstreamPercent: number[] = [];
  localities.forEach((zone, i) => {
    const healthy = healthyPerLocality[i]!;
    // Envoy: a locality with no healthy host has no identity to look up; both percentages 0.
    const local = healthy === 0 ? 0 : (localFleet.get(zone) ?? 0);
    localPercent.push(totalLocal > 0 ? Math.floor((BASIS * local) / totalLocal) : 0);
    upstreamPercent.push(totalUpstream > 0 ? Math.floor((BASIS * healthy) / totalUpstream) : 0);
  });

  if (hasLocalLocality && upstreamPercent[0]! > 0 && upstreamPercent[0]! >= localPercent[0]!) return { mode: 'direct' };

  const localPercentToRoute =
    hasLocalLocality && localPercent[0]! > 0 ? Math.floor((upstreamPercent[0]! * BASIS) / localPercent[0]!) : 0;
  const residualCapacity: number[] = [];
  let cumulative = 0;
  localities.forEach((_, i) => {
    if (!(i === 0 && hasLocalLocality) && upstreamPercent[i]! > localPercent[i]!) cumulative += upstreamPercent[i]! - localPercent[i]!;
    residualCapacity.push(cumulative);
  });
  return { mode: 'residual', localPercentToRoute, residualCapacity };
}

/** Envoy `earlyExitNonLocalityRouting` (the runtime-free conditions). */
function earlyExit(input: ZoneRoutingInput): boolean {
  const { localities, healthyPerLocality, localFleet, localZone, minClusterSize } = input;
  if (localities.length < 2) return true;
  let localZones = 0;
  for (const count of localFleet.values()) if (count > 0) localZones++;
  if (localZones < 2) return true;
  if (localZone === undefined || (localFleet.get(localZone) ?? 0) === 0) return true;
  return healthyPerLocality.reduce((a, b) => a + b, 0) < minClusterSize;
}

/**
 * Envoy `tryChooseLocalLocalityHosts` in the residual mode: the index of the locality to use.
 * One draw decides local or not; a second, only when not local, picks the other locality.
 * Draws are floored where they are made, so no double crosses a call (a boxed double is an
 * allocation per pick when a call is not inlined).
 */
export function residualLocality(localPercentToRoute: number, residualCapacity: Int32Array, random: RandomSource): number {
  if (uniformIndex(random, BASIS) < localPercentToRoute) return 0;
  const n = residualCapacity.length;
  const total = residualCapacity[n - 1]!;
  if (total === 0) return uniformIndex(random, n);
  const threshold = uniformIndex(random, total);
  let i = 0;
  while (threshold >= residualCapacity[i]!) i++;
  return i;
}
