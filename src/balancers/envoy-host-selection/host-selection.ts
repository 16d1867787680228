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
 * - `updateEndpoints` (the contract's incremental path, Envoy's host-set update callback) does
 *   exactly what `setEndpoints` with the resulting set in id order would: the priority levels
 *   with a changed host (added, removed, or changed in weight, zone, health or healthySince;
 *   both levels when its priority changed) are the ones whose host sources are refreshed, each
 *   source by an incremental update of its inner balancer (the changed hosts only, or none when
 *   its list is unchanged: Envoy rebuilds every source of a changed priority, and a rebuild can
 *   matter, e.g. for an EDF scheduler), the zone sources when priority 0 changed; loads, panic
 *   and zone routing are recomputed from per-level and per-zone counts.
 *
 * Complexity: pick O(priority levels + zones) plus the inner pick, allocation-free;
 * setEndpoints O(n log n); updateEndpoints O(levels + zones log zones) plus, per changed host,
 * a binary search and splice in each of its sources' sorted lists and the inner balancers' own
 * updates.
 */
import { copyEndpoints } from '../_internals/endpoint-arrays.js';
import { checkUpdate } from '../_internals/endpoint-slots.js';
import { isSortedById, removeById, upsertById } from '../_internals/sorted-endpoints.js';
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
  /** Hosts that left for good (Balancer.forgetEndpoints). */
  forget(ids: readonly number[]): void;
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
  /** In ascending id order, except after a `setEndpoints` given another order. */
  endpoints: Endpoint[] = [];
  balancer: Balancer | null = null;
}

/** One host's change in an update: what the sources held before (null: new) and after (null: gone). */
interface HostChange {
  readonly before: Endpoint | null;
  readonly after: Endpoint | null;
}

const NO_ROUTING: LocalityRouting = { mode: 'none' };
const NO_IDS: readonly number[] = [];
const NO_ENDPOINTS: readonly Endpoint[] = [];

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

  /** The current set by id, as the sources hold it. */
  private current = new Map<number, Endpoint>();
  /** Whether the sources' lists are in id order (else an update rebuilds them in full first). */
  private sorted = true;
  /** Hosts and healthy hosts per priority level (trailing levels may be empty). */
  private allCount: number[] = [];
  private healthyCount: number[] = [];
  /** Priority-0 hosts per zone, healthy or not (zone-aware routing only). */
  private readonly zoneCounts = new Map<string, number>();

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
  /** Scratch lists of one source's update (inner balancers copy what they keep). */
  private readonly arriving: Endpoint[] = [];
  private readonly leaving: number[] = [];

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
    this.current = new Map(endpoints.map((endpoint) => [endpoint.id, endpoint]));
    this.sorted = isSortedById(endpoints);
    this.allCount = all.map((hosts) => hosts.length);
    this.healthyCount = healthy.map((hosts) => hosts.length);
    this.recomputeLoads();

    // Envoy rebuilds the host sources of a priority whose host set changed (membership,
    // weight or health), and only those: an update to P1 leaves P0's schedulers as they were.
    for (let p = 0; p < Math.max(levels, this.allHosts.length); p++) {
      const allSource = this.sourceOf(this.allHosts, p);
      const hosts = all[p] ?? [];
      if (sameHosts(allSource.endpoints, hosts)) continue;
      this.replace(allSource, hosts);
      this.replace(this.sourceOf(this.healthyHosts, p), healthy[p] ?? []);
      if (p === 0) this.replaceZones(hosts, healthy[0]!);
    }
    this.fixed = this.fixedSource()?.balancer ?? null;
  }

  /** Hosts that left for good: the shared slow-start tracker forgets them (inner balancers keep nothing else per removed id). */
  forgetEndpoints(ids: readonly number[]): void {
    this.observer?.forget(ids.filter((id) => !this.current.has(id)));
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    checkUpdate(changed, removed);
    for (const endpoint of changed) checkPriority(endpoint);
    if (!this.sorted) {
      // The sources follow another order: rebuild them in id order, once.
      const next = new Map(this.current);
      for (const id of removed) next.delete(id);
      for (const endpoint of changed) next.set(endpoint.id, endpoint);
      this.setEndpoints([...next.values()].sort((a, b) => a.id - b.id));
      return;
    }
    this.observer?.observe(changed);

    const changes: HostChange[] = [];
    for (const id of removed) {
      const before = this.current.get(id);
      if (before === undefined) continue;
      this.current.delete(id);
      changes.push({ before, after: null });
    }
    for (const after of changed) {
      const before = this.current.get(after.id) ?? null;
      // Envoy's host set is unchanged by an update that changes nothing it compares.
      if (before !== null && sameHost(before, after) && priorityOf(before) === priorityOf(after)) continue;
      this.current.set(after.id, after);
      changes.push({ before, after });
    }
    if (changes.length === 0) return;

    // The changed levels, ascending (there are few levels: an insertion sort).
    const dirty: number[] = [];
    for (const { before, after } of changes) {
      if (before !== null) addLevel(dirty, this.count(before, -1));
      if (after !== null) addLevel(dirty, this.count(after, 1));
    }
    this.recomputeLoads();
    for (const p of dirty) {
      this.updateSource(this.sourceOf(this.allHosts, p), changes, p, false);
      this.updateSource(this.sourceOf(this.healthyHosts, p), changes, p, true);
      if (p === 0) this.updateZones(changes);
    }
    this.fixed = this.fixedSource()?.balancer ?? null;
  }

  pick(ctx: PickContext): number {
    const fixed = this.fixed;
    if (fixed !== null) return fixed.pick(ctx);
    if (this.hostCount === 0) return -1;
    return this.pickFrom(this.chooseSource(), ctx);
  }

  /**
   * With an id: whether that endpoint's priority level is in panic, so it may be picked though
   * unhealthy. Without: whether any level that takes traffic is in panic.
   */
  inPanic(id?: number): boolean {
    if (id !== undefined) {
      const endpoint = this.current.get(id);
      return endpoint !== undefined && this.panic[priorityOf(endpoint)] === 1;
    }
    for (let p = 0; p < this.panic.length; p++) if (this.panic[p] === 1 && this.priorityLoad[p]! > 0) return true;
    return false;
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
    giveAll(balancer, source.endpoints);
    source.balancer = balancer;
    return balancer;
  }

  private sourceOf(sources: HostSource[], p: number): HostSource {
    while (sources.length <= p) sources.push(new HostSource());
    return sources[p]!;
  }

  /** Loads, panic flags and the fixed priority, from the per-level counts. */
  private recomputeLoads(): void {
    let levels = this.allCount.length;
    while (levels > 1 && this.allCount[levels - 1] === 0) levels--;
    levels = Math.max(levels, 1);
    this.hostCount = 0;
    for (let p = 0; p < levels; p++) this.hostCount += this.allCount[p] ?? 0;
    if (levels === 1 && this.panic.length === 1 && this.onlyPriority === 0) {
      // A single level that keeps all the load: only its panic flag can change.
      const state = singleLevelState(this.allCount[0] ?? 0, this.healthyCount[0] ?? 0, this.options);
      if (state !== NO_LOAD) {
        const panic = state === PANIC;
        if (panic !== (this.panic[0] === 1)) {
          this.panic[0] = panic ? 1 : 0;
          this.panicFlags = [panic];
        }
        return;
      }
    }
    const hosts = Array.from({ length: levels }, (_, p) => this.allCount[p] ?? 0);
    const healthy = Array.from({ length: levels }, (_, p) => this.healthyCount[p] ?? 0);
    const { load, panic } = priorityState(hosts, healthy, this.options.overprovisioningPercent, this.options.panicThreshold);
    this.priorityLoad = load;
    this.panicFlags = panic;
    this.cumulativeLoad = new Int32Array(levels);
    let cumulative = 0;
    for (let p = 0; p < levels; p++) this.cumulativeLoad[p] = cumulative += load[p]!;
    this.panic = Uint8Array.from(panic, (flag) => (flag ? 1 : 0));
    this.onlyPriority = load.indexOf(100);
  }

  /** Counts a host in (+1) or out of (−1) its level and its zone; returns the level. */
  private count(endpoint: Endpoint, delta: 1 | -1): number {
    const p = priorityOf(endpoint);
    while (this.allCount.length <= p) {
      this.allCount.push(0);
      this.healthyCount.push(0);
    }
    this.allCount[p]! += delta;
    if (endpoint.healthy !== false) this.healthyCount[p]! += delta;
    if (p === 0 && this.options.zoneAware !== null) {
      const zoneCount = (this.zoneCounts.get(endpoint.zone) ?? 0) + delta;
      if (zoneCount === 0) this.zoneCounts.delete(endpoint.zone);
      else this.zoneCounts.set(endpoint.zone, zoneCount);
    }
    return p;
  }

  /** The whole list of a source (the full path). */
  private replace(source: HostSource, endpoints: readonly Endpoint[]): void {
    source.endpoints = [...endpoints];
    if (source.balancer !== null) giveAll(source.balancer, source.endpoints);
  }

  /**
   * The incremental update of level p's all-hosts (or healthy-hosts) source: the hosts that
   * arrive in it or change in it, and those that leave it; an unchanged list still refreshes.
   */
  private updateSource(source: HostSource, changes: readonly HostChange[], p: number, healthyOnly: boolean): void {
    const arriving = this.arriving;
    const leaving = this.leaving;
    arriving.length = 0;
    leaving.length = 0;
    for (const { before, after } of changes) {
      if (after !== null && inSource(after, p, healthyOnly)) arriving.push(after);
      else if (before !== null && inSource(before, p, healthyOnly)) leaving.push(before.id);
    }
    this.applyTo(source, arriving, leaving);
  }

  /** Zone sources of priority 0 and zone-aware routing, after a change at priority 0. */
  private updateZones(changes: readonly HostChange[]): void {
    const zoneAware = this.options.zoneAware;
    if (zoneAware === null) return;
    const names = this.localityOrder();
    const updates = new Map<string, { arriving: Endpoint[]; leaving: number[] }>();
    const updateOf = (zone: string) => {
      let update = updates.get(zone);
      if (update === undefined) updates.set(zone, (update = { arriving: [], leaving: [] }));
      return update;
    };
    const inZones = (endpoint: Endpoint | null): endpoint is Endpoint => endpoint !== null && priorityOf(endpoint) === 0 && endpoint.healthy !== false;
    for (const { before, after } of changes) {
      if (inZones(after)) updateOf(after.zone).arriving.push(after);
      if (inZones(before) && !(inZones(after) && after.zone === before.zone)) updateOf(before.zone).leaving.push(before.id);
    }
    const named = new Set(names);
    for (const [zone, source] of this.zoneSources) {
      if (!named.has(zone)) this.applyTo(source, NO_ENDPOINTS, source.endpoints.map((endpoint) => endpoint.id));
    }
    this.localities = names.map((zone) => {
      let source = this.zoneSources.get(zone);
      if (source === undefined) this.zoneSources.set(zone, (source = new HostSource()));
      const update = updates.get(zone);
      this.applyTo(source, update?.arriving ?? NO_ENDPOINTS, update?.leaving ?? NO_IDS);
      return source;
    });
    this.setRouting(names);
  }

  /** Zone sources of priority 0 and the zone-aware routing state (the full path). */
  private replaceZones(all: readonly Endpoint[], healthy: readonly Endpoint[]): void {
    if (this.options.zoneAware === null) return;
    this.zoneCounts.clear();
    for (const endpoint of all) this.zoneCounts.set(endpoint.zone, (this.zoneCounts.get(endpoint.zone) ?? 0) + 1);
    const names = this.localityOrder();
    const healthyByZone = new Map<string, Endpoint[]>(names.map((zone) => [zone, []]));
    for (const endpoint of healthy) healthyByZone.get(endpoint.zone)!.push(endpoint);
    for (const [zone, source] of this.zoneSources) if (!healthyByZone.has(zone)) this.replace(source, []);
    this.localities = names.map((zone) => {
      let source = this.zoneSources.get(zone);
      if (source === undefined) this.zoneSources.set(zone, (source = new HostSource()));
      this.replace(source, healthyByZone.get(zone)!);
      return source;
    });
    this.setRouting(names);
  }

  /** Envoy's locality order: the caller's zone first when it has priority-0 hosts, the others by name. */
  private localityOrder(): string[] {
    const localZone = this.deps.localZone;
    const others = [...this.zoneCounts.keys()].filter((zone) => zone !== localZone).sort();
    return localZone !== undefined && this.zoneCounts.has(localZone) ? [localZone, ...others] : others;
  }

  private setRouting(names: readonly string[]): void {
    const zoneAware = this.options.zoneAware!;
    const localZone = this.deps.localZone;
    this.localityNames = [...names];
    this.routing = zoneRouting({
      localities: names,
      hasLocalLocality: localZone !== undefined && this.zoneCounts.has(localZone),
      healthyPerLocality: this.localities.map((source) => source.endpoints.length),
      localFleet: zoneAware.localFleet ?? this.zoneCounts,
      localZone,
      minClusterSize: zoneAware.minClusterSize,
    });
    this.residualCapacity = Int32Array.from(this.routing.mode === 'residual' ? this.routing.residualCapacity : []);
  }

  /** Applies one source's share of an update to its sorted list and, once created, its balancer. */
  private applyTo(source: HostSource, arriving: readonly Endpoint[], leaving: readonly number[]): void {
    for (const id of leaving) removeById(source.endpoints, id);
    for (const endpoint of arriving) upsertById(source.endpoints, endpoint);
    const balancer = source.balancer;
    if (balancer === null) return;
    if (typeof balancer.updateEndpoints === 'function') balancer.updateEndpoints(arriving, leaving);
    else giveAll(balancer, source.endpoints);
  }
}

/**
 * `setEndpoints` with a source's list: inner balancers that take updates copy what they keep;
 * any other gets a copy of its own, since the source's list changes in place later.
 */
function giveAll(balancer: Balancer, endpoints: readonly Endpoint[]): void {
  balancer.setEndpoints(typeof balancer.updateEndpoints === 'function' ? endpoints : [...endpoints]);
}

function priorityOf(endpoint: Endpoint): number {
  return endpoint.priority ?? 0;
}

const NO_LOAD = -1;
const FULL_LOAD = 0;
const PANIC = 1;

/**
 * `priorityState` for a single level, without its arrays: PANIC or FULL_LOAD when the level
 * takes 100 % of the load, in panic or not; NO_LOAD in the corner where it takes none (no
 * normalized health, and too healthy for panic: an overprovisioning factor far below 1).
 */
function singleLevelState(hosts: number, healthy: number, options: HostSelectionOptions): number {
  const health = hosts > 0 ? Math.min(100, Math.floor((options.overprovisioningPercent * healthy) / hosts)) : 0;
  const threshold = Math.min(100, options.panicThreshold);
  if (threshold === 0 && health === 0) return FULL_LOAD;
  const healthyPercent = hosts === 0 ? 0 : (100 * healthy) / hosts;
  if (health < 100 && healthyPercent < threshold) return PANIC;
  return health > 0 ? FULL_LOAD : NO_LOAD;
}

/** Whether the endpoint belongs to level p's all-hosts source (or, `healthyOnly`, its healthy one). */
function inSource(endpoint: Endpoint, p: number, healthyOnly: boolean): boolean {
  return priorityOf(endpoint) === p && (!healthyOnly || endpoint.healthy !== false);
}

/** Adds level p to the ascending list of levels, once. */
function addLevel(levels: number[], p: number): void {
  let i = levels.length;
  while (i > 0 && levels[i - 1]! > p) i--;
  if (levels[i - 1] !== p) levels.splice(i, 0, p);
}

/** Whether two entries for one id look the same to a host source (id, weight, zone, health). */
function sameHost(a: Endpoint, b: Endpoint): boolean {
  if (a === b) return true;
  const healthChanged = (a.healthy !== false) !== (b.healthy !== false) || a.healthySince !== b.healthySince;
  return a.id === b.id && a.weight === b.weight && a.zone === b.zone && !healthChanged;
}

/** Whether two host lists are the same hosts, in the same order, with the same attributes. */
function sameHosts(before: readonly Endpoint[], after: readonly Endpoint[]): boolean {
  if (before.length !== after.length) return false;
  for (let i = 0; i < before.length; i++) if (!sameHost(before[i]!, after[i]!)) return false;
  return true;
}

/** Number of priority levels (max priority + 1, at least 1), validating every priority. */
function levelCount(endpoints: readonly Endpoint[]): number {
  let max = 0;
  for (const endpoint of endpoints) max = Math.max(max, checkPriority(endpoint));
  return max + 1;
}

/** The endpoint's priority, which must be an integer from 0 to MAX_PRIORITY. */
function checkPriority({ id, priority = 0 }: Endpoint): number {
  if (!Number.isInteger(priority) || priority < 0 || priority > MAX_PRIORITY) {
    throw new RangeError(`endpoint ${id}: priority must be an integer from 0 to ${MAX_PRIORITY}, got ${priority}`);
  }
  return priority;
}
