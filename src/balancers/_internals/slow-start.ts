/**
 * Envoy slow start: a host that has just become healthy gets a reduced, growing weight.
 *
 * Implements: `EdfLoadBalancerBase::applySlowStartFactor`, `recalculateHostsInSlowStart` and
 * `noHostsAreInSlowStart` (envoyproxy/envoy
 * source/extensions/load_balancing_policies/common/load_balancer_impl.cc @00cf9a05;
 * `SlowStartConfig` in api/envoy/extensions/load_balancing_policies/common/v3/common.proto);
 * reference notes: balancers.md §1.3 and B5.
 *
 * Variant, exactly:
 * - A host's window starts at its `lastHcPassTime`: the endpoint's `healthySince` when the
 *   caller knows it (active health checking), otherwise the time this tracker first saw the
 *   host healthy (Envoy `setLastHcPassTime(now)` when no health checker has run). That first
 *   sighting is remembered per id until the caller forgets the id (Envoy keeps it on the host,
 *   and an address that comes back after its removal is a new host).
 * - Weight while `d = now − lastHcPassTime` (whole milliseconds, truncated as Envoy's
 *   `duration_cast<milliseconds>`) is below the window, for healthy hosts only:
 *   `weight · max(f^(1/aggression), minWeightPercent/100)` with `f = max(1, d) / window`;
 *   `f` itself when aggression is 1 or f is 1 (Envoy's `applyAggressionFactor`).
 * - The factor applies only while some host is in slow start globally
 *   (`!noHostsAreInSlowStart()`): `now − latestHostAdded ≤ window`, where `latestHostAdded`
 *   starts at the tracker's creation (Envoy's `latest_host_added_time_` is initialised to the
 *   LB's construction time) and moves to the latest window start seen within a window.
 * - Balancers ask `noHostsInSlowStart()` when they rebuild: while it is false they take the
 *   EDF path even with equal weights, and keep it until their next rebuild, as Envoy decides
 *   once per refresh.
 *
 * One tracker may be shared by the several balancers of one Envoy load balancer (one per host
 * source, see envoy-host-selection/): window starts are per host, not per host source.
 *
 * Complexity: `weight` is O(1) and allocates nothing; `observe` is O(n) in the endpoints given.
 */
import type { Endpoint } from '../types.js';
import type { EndpointSlots } from './endpoint-slots.js';

/** Envoy `SlowStartConfig`; `aggression` defaults to 1.0 and `minWeightPercent` to 10. */
export interface SlowStartOptions {
  /** `slow_start_window` in milliseconds; positive (Envoy: unset disables slow start). */
  readonly windowMs: number;
  /** `aggression` (RuntimeDouble): 1 ramps linearly, larger values ramp faster early on. */
  readonly aggression?: number;
  /** `min_weight_percent`: the floor of the factor, in percent. */
  readonly minWeightPercent?: number;
}

export const DEFAULT_AGGRESSION = 1;
export const DEFAULT_MIN_WEIGHT_PERCENT = 10;

export class SlowStart {
  readonly windowMs: number;
  readonly aggression: number;
  /** `min_weight_percent / 100`. */
  readonly minWeightFraction: number;
  private readonly now: () => number;
  /** Envoy `Host::lastHcPassTime` by endpoint id. */
  private readonly windowStart = new Map<number, number>();
  /** Envoy `latest_host_added_time_`. */
  private latestHostAdded: number;

  constructor(options: SlowStartOptions, now: () => number) {
    const { windowMs, aggression = DEFAULT_AGGRESSION, minWeightPercent = DEFAULT_MIN_WEIGHT_PERCENT } = options;
    if (!(windowMs > 0 && windowMs < Infinity)) throw new RangeError(`slow start windowMs must be finite and positive, got ${windowMs}`);
    if (!(aggression > 0 && aggression < Infinity)) throw new RangeError(`slow start aggression must be finite and positive, got ${aggression}`);
    if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
      throw new RangeError(`slow start minWeightPercent must be in [0, 100], got ${minWeightPercent}`);
    }
    this.windowMs = windowMs;
    this.aggression = aggression;
    this.minWeightFraction = minWeightPercent / 100;
    this.now = now;
    this.latestHostAdded = now();
  }

  /**
   * Envoy `recalculateHostsInSlowStart` over a refreshed host set: records the window start of
   * every healthy host and moves `latestHostAdded`. Idempotent at a given time, so every
   * balancer sharing the tracker may call it with its own subset.
   */
  observe(endpoints: readonly Endpoint[]): void {
    const now = this.now();
    for (const endpoint of endpoints) {
      if (endpoint.healthy === false) continue;
      const known = this.windowStart.get(endpoint.id);
      const start = endpoint.healthySince ?? known ?? now;
      if (start !== known) this.windowStart.set(endpoint.id, start);
      if (start > this.latestHostAdded && wholeMs(now - start) <= this.windowMs) this.latestHostAdded = start;
    }
  }

  /** Hosts that left for good (Envoy destroys the host): a later host with the id starts a new window. */
  forget(ids: readonly number[]): void {
    for (const id of ids) this.windowStart.delete(id);
  }

  /** When `id`'s window started, or NaN if it has never been seen healthy. */
  windowStartOf(id: number): number {
    return this.windowStart.get(id) ?? Number.NaN;
  }

  /**
   * What a balancer keeps on rebuild: `observe(endpoints)`, then the window start of each slot
   * (NaN for an unhealthy endpoint, which Envoy never scales).
   */
  windowStartsFor(endpoints: readonly Endpoint[]): Float64Array<ArrayBuffer> {
    this.observe(endpoints);
    const starts = new Float64Array(endpoints.length);
    endpoints.forEach((endpoint, slot) => {
      starts[slot] = endpoint.healthy === false ? Number.NaN : this.windowStartOf(endpoint.id);
    });
    return starts;
  }

  /**
   * The incremental form of `windowStartsFor` (a balancer's updateEndpoints): observes the
   * changed endpoints and sets their slots' window starts in `slots.extra`. The endpoints left
   * as they were keep theirs: observing them again would change nothing.
   */
  updateWindowStarts(slots: EndpointSlots, changed: readonly Endpoint[]): void {
    this.observe(changed);
    for (const endpoint of changed) {
      slots.extra![slots.indexOf(endpoint.id)] = endpoint.healthy === false ? Number.NaN : this.windowStartOf(endpoint.id);
    }
  }

  /** Envoy `noHostsAreInSlowStart`. */
  noHostsInSlowStart(): boolean {
    return wholeMs(this.now() - this.latestHostAdded) > this.windowMs;
  }

  /**
   * Envoy `applySlowStartFactor`: `weight` scaled for a host whose window started at
   * `windowStart` (NaN: unknown or unhealthy, no scaling).
   */
  apply(weight: number, windowStart: number): number {
    return this.weightAt(weight, windowStart, this.now(), true);
  }

  /**
   * The slow-start step of Envoy's `hostWeight` at time `now`: `apply`, but only while some
   * host is in slow start (unless `always`). One flat call with the time passed in, so that a
   * balancer's weight function inlines whole: a double returned from a call that is not
   * inlined is boxed, an allocation per pick.
   */
  weightAt(weight: number, windowStart: number, now: number, always = false): number {
    if (!always && wholeMs(now - this.latestHostAdded) > this.windowMs) return weight;
    if (windowStart !== windowStart) return weight;
    const inHealthyState = wholeMs(now - windowStart);
    if (inHealthyState >= this.windowMs) return weight;
    const timeFactor = Math.max(1, inHealthyState) / this.windowMs;
    const ramp = this.aggression === 1 || timeFactor === 1 ? timeFactor : Math.pow(timeFactor, 1 / this.aggression);
    return weight * Math.max(ramp, this.minWeightFraction);
  }
}

/** A tracker from options (null without slow start); a given tracker is shared as is. */
export function toSlowStart(option: SlowStartOptions | SlowStart | undefined, now: () => number): SlowStart | null {
  if (option === undefined) return null;
  return option instanceof SlowStart ? option : new SlowStart(option, now);
}

/** Envoy measures these durations with `duration_cast<milliseconds>`, which truncates. */
function wholeMs(ms: number): number {
  return Math.trunc(ms);
}
