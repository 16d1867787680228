/**
 * Consistent hashing with bounded loads, as Envoy's `hash_balance_factor` does it, on top of a
 * ring hash or Maglev lookup.
 *
 * Implements: `ThreadAwareLoadBalancerBase::BoundedLoadHashingLoadBalancer::chooseHost` and
 * `hostOverloadFactor` (source/extensions/load_balancing_policies/common/thread_aware_lb_impl.cc
 * @0336fd61; balancers.md §1.6, B10), after Mirrokni, Thorup & Zadimoghaddam, "Consistent
 * Hashing with Bounded Loads" (arXiv 1608.01350), with random-jump probing (Chen et al.,
 * arXiv 1908.08762).
 *
 * Variant, exactly:
 * - Host h's capacity is `slots = max(ceil(ceil((A + 1) · c / 100) · w_h), 1)`, with c the
 *   factor (≥ 100), w_h its normalised weight and A the total in-flight requests (with equal
 *   weights: `ceil(c/100 · (A + 1) / n)`). Its overload factor is `active_h / slots`; it is
 *   overloaded when that exceeds 1, i.e. when `active_h > slots`.
 * - The hashed host is returned when not overloaded. Otherwise Envoy does NOT walk to the next
 *   ring entry (HAProxy's and the paper's probe): it shuffles the host list with a Fisher–Yates
 *   shuffle driven by `std::mt19937` seeded with the request hash (its low 32 bits, all the
 *   engine keeps of a 64-bit seed), and returns the first host in shuffled order that is not
 *   overloaded (skipping the hashed one). Keys that overflow the same host thus spread over
 *   different fallbacks instead of cascading onto its neighbour, and one key always probes in
 *   the same order. The shuffle's draw is
 *   `x = mt() / floor(2^32 / k)`, redrawn while `x ≥ k`.
 * - When every host is overloaded, the least overloaded one (first in probe order among equals,
 *   the hashed host winning ties) is returned.
 *
 * Where this differs from Envoy, and why:
 * - A is the sum of `load.active` over the current endpoints. Envoy reads the cluster's
 *   `upstream_rq_active` gauge, which also counts requests to hosts no longer in the set.
 *   A plain LoadView has no total, so it is summed, and only when needed: a host with at most
 *   one request in flight can never exceed its at-least-one slot, so the sum is skipped then.
 *   A LoadView that also has `total()` (see `LoadViewWithTotal`; a proxy's cluster-wide
 *   gauge) is read instead, in O(1), with Envoy's meaning.
 * - Envoy computes in uint32 and would wrap for huge factors; here nothing wraps, so a factor
 *   → ∞ is exactly plain consistent hashing.
 *
 * Complexity: O(1) when the hashed host has ≤ 1 request in flight; otherwise O(n) for the total,
 * plus, when it is overloaded, the mt19937 seeding (about 400 word updates, see mt19937.ts) and
 * O(n) probes.
 * Allocates nothing per pick.
 */
import type { LoadView } from '../types.js';
import { Mt19937 } from './mt19937.js';

/** A LoadView that also knows the caller's total in flight (Envoy's `upstream_rq_active`). */
export interface LoadViewWithTotal extends LoadView {
  /** Requests in flight over the whole cluster, removed hosts included. */
  total(): number;
}

/** Envoy's minimum `hash_balance_factor` (proto: `uint32 = {gte: 100}`). */
export const MINIMUM_HASH_BALANCE_FACTOR = 100;
/** The largest factor Envoy's uint32 field holds. */
export const BOUNDED_LOAD_MAXIMUM_FACTOR = 4_294_967_295;

const TWO_32 = 4294967296;

export class BoundedLoad {
  private ids: Int32Array = new Int32Array(0);
  private weights: Float64Array = new Float64Array(0);
  /** The shuffled probe order (Envoy's `host_index`), refilled with 0 … n−1 on each overflow. */
  private probeOrder = new Uint32Array(0);
  private readonly twister = new Mt19937();
  /** The pick's total in flight, read at most once per pick. */
  private totalActive = 0;
  /** The LoadView's own total, when it has one. */
  private readonly loadTotal: (() => number) | null;

  constructor(
    readonly factor: number,
    private readonly load: LoadView,
  ) {
    if (!Number.isSafeInteger(factor) || factor < MINIMUM_HASH_BALANCE_FACTOR) {
      throw new RangeError(`hashBalanceFactor must be an integer ≥ ${MINIMUM_HASH_BALANCE_FACTOR} (percent), got ${factor}`);
    }
    const total = (load as Partial<LoadViewWithTotal>).total;
    this.loadTotal = typeof total === 'function' ? total.bind(load) : null;
  }

  /** The hosts in Envoy's `normalized_host_weights_` order: `ids[slot]`, weights summing to 1. */
  setHosts(ids: Int32Array, normalizedWeights: Float64Array): void {
    this.ids = ids;
    this.weights = normalizedWeights;
    if (this.probeOrder.length < ids.length) this.probeOrder = new Uint32Array(ids.length);
  }

  /**
   * Envoy `chooseHost(hash)` after the hashing balancer picked `slot`. `hash` is the request's
   * [hi, lo]; its low half seeds the probe order. (An array, not a number: a uint32 passed to a
   * call V8 does not inline is boxed, an allocation per pick.)
   */
  choose(slot: number, hash: Uint32Array): number {
    const active = this.load.active(this.ids[slot]!);
    if (active <= 1) return slot;
    this.totalActive = this.loadTotal === null ? this.sumActive() : this.loadTotal();
    const slots = this.slotsOf(slot);
    if (active <= slots) return slot;
    return this.probe(slot, active, slots, hash);
  }

  /**
   * Envoy `hostOverloadFactor`'s denominator: the host's share of
   * `ceil((A + 1) · factor / 100)` slots, at least one. Its overload factor is in-flight / slots.
   */
  slotsOf(slot: number): number {
    const totalSlots = Math.floor(((this.totalActive + 1) * this.factor + 99) / 100);
    return Math.max(Math.ceil(totalSlots * this.weights[slot]!), 1);
  }

  /**
   * Envoy's random-jump probe. Overload factors a/b are compared as a·d < c·b, exactly: the
   * same order as Envoy's doubles (distinct ratios of small integers never round together), and
   * no double crosses a call, so nothing is boxed.
   */
  private probe(hashed: number, hashedActive: number, hashedSlots: number, hash: Uint32Array): number {
    const n = this.ids.length;
    const order = this.probeOrder;
    for (let i = 0; i < n; i++) order[i] = i;
    this.twister.seed(hash[1]!);
    let leastOverloaded = hashed;
    let leastActive = hashedActive;
    let leastSlots = hashedSlots;
    for (let i = 0; i < n; i++) {
      const j = this.uniformBelow(n - i);
      const candidate = order[i + j]!;
      order[i + j] = order[i]!;
      order[i] = candidate;
      if (candidate === hashed) continue;
      const active = this.load.active(this.ids[candidate]!);
      const slots = this.slotsOf(candidate);
      if (active <= slots) return candidate;
      if (active * leastSlots < leastActive * slots) {
        leastOverloaded = candidate;
        leastActive = active;
        leastSlots = slots;
      }
    }
    return leastOverloaded;
  }

  /** Envoy's `uniform_int(random, k)`: an unbiased draw in [0, k) by rejection. */
  private uniformBelow(k: number): number {
    const bucket = Math.floor(TWO_32 / k);
    let x = k;
    while (x >= k) x = Math.floor(this.twister.next() / bucket);
    return x;
  }

  private sumActive(): number {
    const { ids, load } = this;
    let total = 0;
    for (let slot = 0; slot < ids.length; slot++) total += load.active(ids[slot]!);
    return total;
  }
}
