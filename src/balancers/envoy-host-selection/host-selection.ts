/**
 * Envoy host selection: priority level, panic and zone-aware locality, before an inner
 * balancer picks the host.
 *
 * Implements: the host-source choice of Envoy's `LoadBalancerBase` and
 * `ZoneAwareLoadBalancerBase` (`chooseHostSet`, `hostSourceToUse`, `hostSourceToHosts` in
 * envoyproxy/envoy source/extensions/load_balancing_policies/common/load_balancer_impl.cc
 * @00cf9a05), which ROUND_ROBIN, LEAST_REQUEST and RANDOM all run before their own pick;
 * reference notes: balancers.md §1.1, §1.8–1.11, B1 and B2. The arithmetic is in
 * priority-load.ts and zone-routing.ts.
 *
 * Variant, exactly: per pick, choose a priority by its load; if that priority is in panic, its
 * host source is ALL its endpoints, healthy or not; otherwise, for priority 0 with zone-aware
 * routing in effect (and the `routingEnabled` roll won), one zone's healthy endpoints;
 * otherwise the priority's HEALTHY endpoints. The inner balancer of that host source picks.
 * - One inner balancer per host source (priority × all/healthy, and priority 0 × zone), kept
 *   across `setEndpoints` and refreshed with its new hosts on each, so per-source state such as
 *   Envoy's round-robin index `rr_indexes_[source]` survives membership changes. Inner
 *   balancers are created on first use. Envoy gives every host source the LB's one `seed_`;
 *   here each inner balancer draws its own seed when created, and the first one created takes
 *   the balancer that `createBalancer` would have returned unwrapped (built in the
 *   constructor, so it draws the same seed).
 * - Draws: Envoy draws one random value per pick for the priority even when only one level
 *   has load. Here a choice with a single outcome draws nothing, so with every endpoint
 *   healthy, one priority level and zone-aware routing off, the wrapper is inert: the picks,
 *   and every random draw, are those of the inner balancer alone. The zone rolls use the same
 *   random source (Envoy's runtime `featureEnabled` has a generator of its own).
 * - Envoy RANDOM reuses its priority draw as the host draw (`hosts[r % n]`); here the inner
 *   balancer draws its own.
 * - Not modelled: degraded hosts, locality-weighted LB, `fail_traffic_on_panic`, retry
 *   priority and host predicates, preconnect peeking.
 *
 * Complexity: pick O(priority levels + zones) plus the inner pick, allocation-free;
 * setEndpoints O(n log n).
 */
import { copyEndpoints } from '../_internals/endpoint-arrays.js';
import { uniformIndex } from '../_internals/random-draws.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext, RandomSource } from '../types.js';
import {
  DEFAULT_MIN_CLUSTER_SIZE,
  DEFAULT_OVERPROVISIONING_FACTOR,
  DEFAULT_PANIC_THRESHOLD,
  DEFAULT_ROUTING_ENABLED,
  type HostSelectionConfig,
} from './config.js';
import { choosePriority, priorityState } from './priority-load.js';
import { residualLocality, zoneRouting, type LocalityRouting } from './zone-routing.js';

/** Priority levels above this are rejected: levels are dense arrays. */
export const MAX_PRIORITY = 1023;

export interface ZoneAwareOptions {
  readonly minClusterSize: number;
  /** Integer percent of picks that use zone-aware routing. */
  readonly routingEnabled: number;
  /** Callers per zone; null: spread as the priority-0 endpoints are (zone-routing.ts). */
  readonly localFleet: ReadonlyMap<string, number> | null;
}

/** Resolved options, Envoy's integer forms. */
export interface HostSelectionOptions {
  /** Integer percent; 0 disables panic. */
  readonly panicThreshold: number;
  /** Envoy's integer overprovisioning factor in percent (140 for 1.4). */
  readonly overprovisioningPercent: number;
  /** Null: zone-aware routing off. */
  readonly zoneAware: ZoneAwareOptions | null;
}

/** Fills Envoy's defaults and converts to its integer forms (percentages rounded, as Envoy's `PROTOBUF_PERCENT_TO_ROUNDED_INTEGER`). */
export function resolveHostSelection(config: HostSelectionConfig = {}): HostSelectionOptions {
  const panicThreshold = Math.round(config.panicThreshold ?? DEFAULT_PANIC_THRESHOLD);
  const overprovisioningPercent = Math.round((config.overprovisioningFactor ?? DEFAULT_OVERPROVISIONING_FACTOR) * 100);
  if (!(panicThreshold >= 0 && panicThreshold <= 100)) throw new RangeError(`panicThreshold must be in [0, 100], got ${config.panicThreshold}`);
  if (!(overprovisioningPercent >= 1 && overprovisioningPercent < Infinity)) {
    throw new RangeError(`overprovisioningFactor must be at least 0.01, got ${config.overprovisioningFactor}`);
  }
  const zone = config.zoneAware;
  if (zone === undefined || !zone.enabled) return { panicThreshold, overprovisioningPercent, zoneAware: null };
  const routingEnabled = Math.round(zone.routingEnabled ?? DEFAULT_ROUTING_ENABLED);
  const minClusterSize = zone.minClusterSize ?? DEFAULT_MIN_CLUSTER_SIZE;
  if (!(routingEnabled >= 0 && routingEnabled <= 100)) throw new RangeError(`zoneAware.routingEnabled must be in [0, 100], got ${zone.routingEnabled}`);
  if (!Number.isSafeInteger(minClusterSize) || minClusterSize < 0) {
    throw new RangeError(`zoneAware.minClusterSize must be a non-negative integer, got ${minClusterSize}`);
  }
  const localFleet = zone.localFleet === undefined ? null : new Map(Object.entries(zone.localFleet));
  return { panicThreshold, overprovisioningPercent, zoneAware: { minClusterSize, routingEnabled, localFleet } };
}

/** Told of every full endpoint set before the inner balancers refresh (shared slow start). */
export interface HostSetObserver {
  observe(endpoints: readonly Endpoint[]): void;
}

/** What the host selection currently does, for reports and tests. */
export interface HostSelectionState {
  /** Integer percent of traffic per priority level. */
  readonly priorityLoad: readonly number[];
  readonly panic: readonly boolean[];
  /** Priority-0 zones, in Envoy's locality order (the caller's zone first when present). */
  readonly localities: readonly string[];
  readonly localityRouting: LocalityRouting;
}

/** The hosts one inner balancer chooses from, and that balancer once created. */
class HostSource {
  endpoints: readonly Endpoint[] = [];
  balancer: Balancer | null = null;
}

const NO_ROUTING: LocalityRouting = { mode: 'none' };

export class EnvoyHostSelection implements Balancer {
  /** Envoy's host selection weighs unhealthy hosts too (priority loads, panic): give it every endpoint. */
  readonly healthAware = true;
  private readonly deps: BalancerDeps;
  private readonly random: RandomSource;
  private readonly options: HostSelectionOptions;
  private readonly createInner: (deps: BalancerDeps) => Balancer;
  private readonly observer: HostSetObserver | null;
  /**
   * The inner balancer built at construction, the one `createBalancer` would return unwrapped:
   * the first host source used takes it (with healthy endpoints in one priority, every pick).
   */
  readonly primary: Balancer;
  private unclaimed: Balancer | null;

  private readonly allHosts: HostSource[] = [];
  private readonly healthyHosts: HostSource[] = [];
  private readonly zoneSources = new Map<string, HostSource>();
  /** Priority-0 zone sources in locality order. */
  private localities: HostSource[] = [];
  private localityNames: string[] = [];

  private hostCount = 0;
  private priorityLoad: readonly number[] = [];
  private cumulativeLoad = new Int32Array(0);
  private panic = new Uint8Array(0);
  private panicFlags: readonly boolean[] = [];
  /** The only priority with load, or -1 when a draw decides. */
  private onlyPriority = -1;
  private routing: LocalityRouting = NO_ROUTING;
  private residualCapacity = new Int32Array(0);
  /** The inner balancer every pick goes to when no choice is left to chance, else null. */
  private fixed: Balancer | null = null;

  constructor(
    deps: BalancerDeps,
    options: HostSelectionOptions,
    createInner: (deps: BalancerDeps) => Balancer,
    observer: HostSetObserver | null = null,
  ) {
    this.deps = deps;
    this.random = deps.random;
    this.options = options;
    this.createInner = createInner;
    this.observer = observer;
    this.primary = createInner(deps);
    this.unclaimed = this.primary;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    copyEndpoints(endpoints); // validates ids and weights before anything changes
    const levels = levelCount(endpoints);
    this.observer?.observe(endpoints);

    const all: Endpoint[][] = Array.from({ length: levels }, () => []);
    const healthy: Endpoint[][] = Array.from({ length: levels }, () => []);
    for (const endpoint of endpoints) {
      const p = endpoint.priority ?? 0;
      all[p]!.push(endpoint);
      if (endpoint.healthy !== false) healthy[p]!.push(endpoint);
    }
    this.hostCount = endpoints.length;

    const { load, panic } = priorityState(
      all.map((hosts) => hosts.length),
      healthy.map((hosts) => hosts.length),
      this.options.overprovisioningPercent,
      this.options.panicThreshold,
    );
    this.priorityLoad = load;
    this.panicFlags = panic;
    this.cumulativeLoad = new Int32Array(levels);
    let cumulative = 0;
    load.forEach((share, p) => (this.cumulativeLoad[p] = cumulative += share));
    this.panic = Uint8Array.from(panic, (flag) => (flag ? 1 : 0));
    this.onlyPriority = load.indexOf(100);

    // Envoy rebuilds the host sources of a priority whose host set changed (membership,
    // weight or health), and only those: an update to P1 leaves P0's schedulers as they were.
    for (let p = 0; p < Math.max(levels, this.allHosts.length); p++) {
      const allSource = this.sourceOf(this.allHosts, p);
      const hosts = all[p] ?? [];
      if (sameHosts(allSource.endpoints, hosts)) continue;
      this.refresh(allSource, hosts);
      this.refresh(this.sourceOf(this.healthyHosts, p), healthy[p] ?? []);
      if (p === 0) this.refreshZones(hosts, healthy[0]!);
    }
    this.fixed = this.fixedSource()?.balancer ?? null;
  }

  pick(ctx: PickContext): number {
    const fixed = this.fixed;
    if (fixed !== null) return fixed.pick(ctx);
    if (this.hostCount === 0) return -1;
    return this.pickFrom(this.chooseSource(), ctx);
  }

  /** The current priority loads, panic flags and zone routing. */
  state(): HostSelectionState {
    return {
      priorityLoad: [...this.priorityLoad],
      panic: [...this.panicFlags],
      localities: [...this.localityNames],
      localityRouting: this.routing,
    };
  }

  /** Envoy `hostSourceToUse`. */
  private chooseSource(): HostSource {
    // Envoy's h = hash % 100 + 1, drawn only when more than one level has load.
    const p = this.onlyPriority >= 0 ? this.onlyPriority : choosePriority(this.cumulativeLoad, uniformIndex(this.random, 100) + 1);
    if (this.panic[p] === 1) return this.allHosts[p]!;
    if (p === 0 && this.routing.mode !== 'none' && this.zoneRoutingEnabled()) {
      const routing = this.routing;
      const index =
        routing.mode === 'direct' ? 0 : residualLocality(routing.localPercentToRoute, this.residualCapacity, this.random);
      return this.localities[index]!;
    }
    return this.healthyHosts[p]!;
  }

  /** Envoy's `routing_enabled` roll; no draw at 0 or 100 %. */
  private zoneRoutingEnabled(): boolean {
    const percent = this.options.zoneAware!.routingEnabled;
    if (percent >= 100) return true;
    if (percent <= 0) return false;
    return uniformIndex(this.random, 100) < percent;
  }

  /** The host source every pick uses when no draw is needed to choose it, else null. */
  private fixedSource(): HostSource | null {
    const p = this.onlyPriority;
    if (this.hostCount === 0 || p < 0) return null;
    let source = this.healthyHosts[p]!;
    if (this.panic[p] === 1) source = this.allHosts[p]!;
    else if (p === 0 && this.routing.mode !== 'none' && this.options.zoneAware!.routingEnabled > 0) {
      if (this.routing.mode === 'residual' || this.options.zoneAware!.routingEnabled < 100) return null;
      source = this.localities[0]!;
    }
    this.ensureBalancer(source);
    return source;
  }

  private pickFrom(source: HostSource, ctx: PickContext): number {
    return (source.balancer ?? this.ensureBalancer(source)).pick(ctx);
  }

  private ensureBalancer(source: HostSource): Balancer {
    if (source.balancer !== null) return source.balancer;
    const balancer = this.unclaimed ?? this.createInner(this.deps);
    this.unclaimed = null;
    balancer.setEndpoints(source.endpoints);
    source.balancer = balancer;
    return balancer;
  }

  private sourceOf(sources: HostSource[], p: number): HostSource {
    while (sources.length <= p) sources.push(new HostSource());
    return sources[p]!;
  }

  private refresh(source: HostSource, endpoints: readonly Endpoint[]): void {
    source.endpoints = endpoints;
    source.balancer?.setEndpoints(endpoints);
  }

  /** Zone sources of priority 0 and the zone-aware routing state (zone-routing.ts). */
  private refreshZones(all: readonly Endpoint[], healthy: readonly Endpoint[]): void {
    const zoneAware = this.options.zoneAware;
    if (zoneAware === null) return;
    const localZone = this.deps.localZone;
    const zoneCounts = new Map<string, number>();
    for (const endpoint of all) zoneCounts.set(endpoint.zone, (zoneCounts.get(endpoint.zone) ?? 0) + 1);
    const hasLocalLocality = localZone !== undefined && zoneCounts.has(localZone);
    const others = [...zoneCounts.keys()].filter((zone) => zone !== localZone).sort();
    const names = hasLocalLocality ? [localZone, ...others] : others;

    const healthyByZone = new Map<string, Endpoint[]>(names.map((zone) => [zone, []]));
    for (const endpoint of healthy) healthyByZone.get(endpoint.zone)!.push(endpoint);
    for (const [zone, source] of this.zoneSources) if (!healthyByZone.has(zone)) this.refresh(source, []);
    this.localities = names.map((zone) => {
      let source = this.zoneSources.get(zone);
      if (source === undefined) this.zoneSources.set(zone, (source = new HostSource()));
      this.refresh(source, healthyByZone.get(zone)!);
      return source;
    });
    this.localityNames = names;

    this.routing = zoneRouting({
      localities: names,
      hasLocalLocality,
      healthyPerLocality: names.map((zone) => healthyByZone.get(zone)!.length),
      localFleet: zoneAware.localFleet ?? zoneCounts,
      localZone,
      minClusterSize: zoneAware.minClusterSize,
    });
    this.residualCapacity = Int32Array.from(this.routing.mode === 'residual' ? this.routing.residualCapacity : []);
  }
}

/** Whether two host lists are the same hosts, in the same order, with the same attributes. */
function sameHosts(before: readonly Endpoint[], after: readonly Endpoint[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) {
    const a = before[i]!;
    const b = after[i]!;
    if (a === b) continue;
    const healthChanged = (a.healthy !== false) !== (b.healthy !== false) || a.healthySince !== b.healthySince;
    if (a.id !== b.id || a.weight !== b.weight || a.zone !== b.zone || healthChanged) return false;
  }
  return true;
}

/** Number of priority levels (max priority + 1, at least 1), validating every priority. */
function levelCount(endpoints: readonly Endpoint[]): number {
  let max = 0;
  for (const { id, priority = 0 } of endpoints) {
    if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
      throw new RangeError(`endpoint ${id}: priority must be an integer from 0 to ${MAX_PRIORITY}, got ${priority}`);
    }
    if (priority > max) max = priority;
  }
  return max + 1;
}
