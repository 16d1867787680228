/**
 * Least request, as Envoy's LEAST_REQUEST load balancer does it.
 *
 * Implements: Envoy `LeastRequestLoadBalancer`
 * (source/extensions/load_balancing_policies/least_request/least_request_lb.cc, .h) on top of
 * `EdfLoadBalancerBase` (…/common/load_balancer_impl.cc); reference notes: balancers.md §1.4, B6.
 * "Active requests" is `deps.load.active(id)`: the caller's own in-flight count (Envoy
 * `rq_active`, local to one proxy; pending requests are not counted, Envoy's default).
 *
 * Variant, exactly:
 * - Equal weights, `selection: 'n_choices'` (default): sample `choices` (default 2) hosts
 *   uniformly WITH replacement, one draw each; a later sample replaces the candidate only with
 *   strictly fewer active requests, so ties keep the earlier sample. With replacement, the
 *   busiest of n hosts still wins 1/n^choices of the picks (1/9 for 3 hosts, choices 2).
 * - Equal weights, `selection: 'full_scan'`: the minimum over all hosts; ties are broken
 *   uniformly at random, as Envoy's reservoir does, but with one draw per tied pick (the
 *   k-th tie in scan order) rather than one per tie met.
 * - Unequal weights (n ≥ 2): Envoy's EDF scheduler with the dynamic weight
 *   `weight / (active + 1)^activeRequestBias`, recomputed when a host is re-added after being
 *   picked (before the caller counts the new request). Bias 1 divides directly, bias 0 uses the
 *   weight unchanged, as Envoy special-cases both. Built with `createWithPicks(seed)`, the seed
 *   being drawn once per instance even while weights are equal, as Envoy's base class does.
 * - Slow start (option `slowStart`; _internals/slow-start.ts): while a host is in its window at
 *   rebuild time the EDF path is taken even with equal weights, and the slow-start factor is
 *   applied after the active-request adjustment, as Envoy's `hostWeight` does.
 * - Priorities, localities and panic are envoy-host-selection/'s, which `createBalancer` wraps
 *   around this class. Not modelled: `count_pending_requests`, and the newest Envoy guard
 *   `least_request_lb_active_request_bias_forces_weighted` (an explicitly configured bias
 *   forcing the EDF path even with equal weights); here equal weights without slow start always
 *   take the unweighted path.
 *
 * - `updateEndpoints` (the contract's incremental path) changes the sorted slots in place
 *   (_internals/endpoint-slots.ts), then does what `setEndpoints` does after its copy.
 *
 * Complexity: pick O(choices) for n_choices (O(1) for a fixed count), O(n) for full_scan,
 * O(log n) weighted; setEndpoints O(n), O(n log n) weighted; updateEndpoints a memmove, O(n log n)
 * weighted (Envoy rebuilds the scheduler on every host-set change). pick allocates nothing.
 */
import type { LeastRequestConfig } from './configs.js';
import { EndpointSlots } from './_internals/endpoint-slots.js';
import { EdfScheduler } from './_internals/edf-scheduler.js';
import { drawSeed, uniformIndex } from './_internals/random-draws.js';
import { toSlowStart, type SlowStart, type SlowStartOptions } from './_internals/slow-start.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext, RandomSource } from './types.js';

/**
 * The config without its `kind`: what the class needs (a whole LeastRequestConfig also fits).
 * `slowStart` may also be a tracker shared with the caller's other balancers.
 */
export type LeastRequestOptions = Pick<LeastRequestConfig, 'choices' | 'selection' | 'activeRequestBias'> & {
  readonly slowStart?: SlowStartOptions | SlowStart | undefined;
};

export class LeastRequestBalancer implements Balancer {
  readonly choices: number;
  readonly selection: LeastRequestConfig['selection'];
  readonly activeRequestBias: number;
  private readonly slots: EndpointSlots;
  /** The slots' arrays and length, read by pick (re-read after every change). */
  private ids = new Int32Array(0);
  private weights = new Float64Array(0);
  private n = 0;
  private weighted = false;
  /** Ids as a bit mask when the load view can find the least loaded of them (see fullScanId), else 0. */
  private members = 0;
  private readonly random: RandomSource;
  private readonly load: LoadView;
  private readonly seed: number;
  private readonly scheduler: EdfScheduler;
  private readonly slowStart: SlowStart | null;
  /** Slot → the start of its slow-start window (NaN: none); kept only with slow start. */
  private windowStarts = new Float64Array(0);

  constructor(deps: BalancerDeps, options: LeastRequestOptions) {
    const { choices, selection, activeRequestBias } = options;
    if (!Number.isSafeInteger(choices) || choices < 2) throw new RangeError(`least_request choices must be an integer ≥ 2, got ${choices}`);
    if (selection !== 'n_choices' && selection !== 'full_scan') {
      throw new RangeError(`least_request selection must be 'n_choices' or 'full_scan', got ${String(selection)}`);
    }
    if (!(activeRequestBias >= 0 && activeRequestBias < Infinity)) {
      throw new RangeError(`least_request activeRequestBias must be finite and ≥ 0, got ${activeRequestBias}`);
    }
    this.choices = choices;
    this.selection = selection;
    this.activeRequestBias = activeRequestBias;
    this.random = deps.random;
    this.load = deps.load;
    this.seed = drawSeed(deps.random);
    const slowStart = toSlowStart(options.slowStart, deps.now);
    this.slowStart = slowStart;
    this.slots = new EndpointSlots(slowStart !== null);
    // Chosen once, so a balancer without slow start keeps its weight function as it was; with
    // slow start the factor comes after the active-request adjustment, as in Envoy's `hostWeight`.
    const now = deps.now;
    this.scheduler = new EdfScheduler(
      slowStart === null
        ? (slot) => this.dynamicWeight(slot)
        : (slot) => slowStart.weightAt(this.dynamicWeight(slot), this.windowStarts[slot]!, now()),
    );
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.slots.assign(endpoints, this.slowStart);
    this.rebuild();
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    this.slots.update(changed, removed, this.slowStart);
    this.rebuild();
  }

  forgetEndpoints(ids: readonly number[]): void {
    this.slowStart?.forget(ids.filter((id) => this.slots.indexOf(id) < 0));
  }

  /** What follows a change of the slots, whichever way they changed. */
  private rebuild(): void {
    const slots = this.slots;
    this.ids = slots.ids;
    this.weights = slots.weights;
    if (slots.extra !== null) this.windowStarts = slots.extra;
    const n = slots.length;
    this.n = n;
    this.weighted = slots.needsEdf(this.slowStart);
    this.members = typeof this.load.leastActiveOf === 'function' ? ascendingIdMask(this.ids, n) : 0;
    this.scheduler.rebuild(this.weighted ? n : 0, this.seed);
  }

  pick(_ctx: PickContext): number {
    const n = this.n;
    if (n === 0) return -1;
    if (this.weighted) return this.ids[this.scheduler.pick()]!;
    if (this.selection === 'full_scan') return this.fullScanId(n);
    return this.ids[this.nChoicesSlot(n)]!;
  }

  /** Envoy `unweightedHostPickNChoices`. */
  private nChoicesSlot(n: number): number {
    const { ids, load, random } = this;
    let best = uniformIndex(random, n);
    let bestActive = load.active(ids[best]!);
    for (let sample = 1; sample < this.choices; sample++) {
      const slot = uniformIndex(random, n);
      const active = load.active(ids[slot]!);
      if (active < bestActive) {
        best = slot;
        bestActive = active;
      }
    }
    return best;
  }

  /**
   * Envoy `unweightedHostPickFullScan`: the minimum, ties broken uniformly. Envoy keeps a
   * reservoir (one draw per tie met); here the ties are collected first and one draw picks the
   * k-th of them in scan order. Same distribution, at most one draw per pick instead of one per
   * tie, which matters with many idle hosts (a JSQ run ties at 0 most of the time).
   * When the load view keeps per-count masks (ActiveRequests) and the ids are below 32 and in
   * ascending order, scan order is id order and the view hands over the ties without a scan.
   */
  private fullScanId(n: number): number {
    if (this.members !== 0) {
      const least = this.load.leastActiveOf!(this.members);
      if (least !== 0) return this.kthTie(least);
    }
    return this.ids[this.fullScanSlot(n)]!;
  }

  /** One set bit of `ties`, uniformly: the k-th lowest for one draw k (no draw for a single bit). */
  private kthTie(ties: number): number {
    if ((ties & (ties - 1)) === 0) return 31 - Math.clz32(ties);
    for (let k = uniformIndex(this.random, popCount(ties)); k > 0; k--) ties &= ties - 1;
    return 31 - Math.clz32(ties & -ties);
  }

  /** The scan: the first pass finds the minimum and counts its ties, the second finds the k-th. */
  private fullScanSlot(n: number): number {
    const { ids, load } = this;
    let best = 0;
    let bestActive = load.active(ids[0]!);
    let tied = 1;
    for (let slot = 1; slot < n; slot++) {
      const active = load.active(ids[slot]!);
      if (active < bestActive) {
        best = slot;
        bestActive = active;
        tied = 1;
      } else if (active === bestActive) {
        tied++;
      }
    }
    if (tied === 1) return best;
    let k = uniformIndex(this.random, tied);
    for (let slot = best; ; slot++) {
      if (load.active(ids[slot]!) === bestActive && k-- === 0) return slot;
    }
  }

  /** Envoy `LeastRequestLoadBalancer::hostWeight` without slow start. */
  private dynamicWeight(slot: number): number {
    const weight = this.weights[slot]!;
    const bias = this.activeRequestBias;
    if (bias === 0) return weight;
    const activePlusOne = this.load.active(this.ids[slot]!) + 1;
    return bias === 1 ? weight / activePlusOne : weight / Math.pow(activePlusOne, bias);
  }
}

/** Set bits in a 32-bit integer (SWAR). */
function popCount(bits: number): number {
  let x = bits - ((bits >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

/** The first n ids as a bit mask when all are below 32 and strictly ascending, else 0. */
function ascendingIdMask(ids: Int32Array, n: number): number {
  let mask = 0;
  for (let slot = 0; slot < n; slot++) {
    const id = ids[slot]!;
    if (id < 0 || id >= 32 || (slot > 0 && id <= ids[slot - 1]!)) return 0;
    mask |= 1 << id;
  }
  return mask;
}
