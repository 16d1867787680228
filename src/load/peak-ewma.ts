/**
 * Peak-EWMA round-trip-time estimates, one per endpoint: the load metric of Linkerd (tower
 * `load::PeakEwma`) and of Finagle (`PeakEwma` node), kept apart from any balancer as tower
 * keeps its `load` module apart from `balance::p2c`. A balancer (or a proxy) feeds it observed
 * RTTs and reads costs; it never sees the request path itself.
 *
 * Implements: tower tower/src/load/peak_ewma.rs (`RttEstimate::update`, `decay`, `Load::load`,
 * @00329237) and finagle finagle-core/.../loadbalancer/PeakEwma.scala (`Metric.observe`, `get`,
 * @1e8497ea / @ad0c9d12); reference notes: balancers.md §2, §3, B11, B12.
 *
 * The estimate, exactly (both sources agree):
 * - `observe(rtt)` at time t: if `rtt > estimate` the estimate jumps to `rtt` (the peak);
 *   otherwise, with `w = exp(−max(0, t − stamp) / decay)`, `estimate = estimate·w + rtt·(1 − w)`.
 *   Then `stamp = t`. Elapsed time, not the number of samples, sets the weight, so sparse and
 *   dense traffic decay alike (Eckner's unevenly spaced EWMA).
 * - Reading a cost first observes an RTT of 0 at the current time (tower's `decay`, Finagle's
 *   `observe(0.0)` in `get`): an endpoint that is not chosen drifts toward 0 and is eventually
 *   probed again. Reading therefore mutates the estimate, as in both sources.
 * - tower starts every endpoint at `defaultRtt` (Linkerd: 30 ms), stamped when the endpoint is
 *   first tracked; its cost is `estimate × (pending + 1)`.
 * - Finagle starts at 0 and, while an endpoint has no latency history (estimate exactly 0) but
 *   has requests pending, costs `Penalty + pending` with `Penalty = Long.MaxValue >> 16`: a new
 *   host is free until its first request goes out, then all but excluded until it answers.
 *   Otherwise `estimate × (pending + 1)`. (Construct with `defaultRttMs: 0` for Finagle.)
 *
 * Units: milliseconds throughout (both sources count nanoseconds). The decay weight depends
 * only on the ratio Δt/decay, and costs order the same at any scale; the one exception is the
 * Penalty constant, kept at its numeric value, which is only ever compared against real costs
 * (it still exceeds any cost below 1.4e14 ms, about 4,400 years of RTT × pending).
 *
 * "Pending" is passed in by the caller (meshsim: `deps.load.active(id)`, the caller's own
 * in-flight count, which is what tower's handle count and Finagle's per-node counter are).
 *
 * Storage: slot-aligned typed arrays (slot i ↔ ids[i] of the last `track`), so a balancer reads
 * a slot's cost with no lookup; `observe` maps an id to its slot by binary search when the ids
 * ascend, through a Map otherwise. `add` and `forget` keep the ids ascending and open or close
 * one slot (a memmove of the later slots, no allocation unless the capacity grows): a balancer
 * that takes endpoint updates itself (Balancer.updateEndpoints) changes one endpoint without
 * re-tracking the set. Nothing here allocates after `track` except that growth. Balancers compare two endpoints through `costAtMost` /
 * `finagleLess`, which return booleans: a cost returned as a double from a call V8 does not
 * inline would be boxed, one allocation per read.
 */

import { searchIds } from '../balancers/_internals/endpoint-slots.js';

/** Linkerd's `EWMA_DEFAULT_RTT` (linkerd2-proxy app outbound/inbound `lib.rs`). */
export const LINKERD_DEFAULT_RTT_MS = 30;
/** Linkerd's `EWMA_DECAY`. */
export const LINKERD_DECAY_MS = 10_000;
/** Finagle `p2cPeakEwma(decayTime = 10.seconds)`. */
export const FINAGLE_DECAY_MS = 10_000;
/** Finagle `PeakEwma.Metric.Penalty = Long.MaxValue >> 16` (2^47 − 1, exact as a double). */
export const FINAGLE_PENALTY = 2 ** 47 - 1;

export interface PeakEwmaOptions {
  /** Estimate of an endpoint with no samples yet: tower `default_rtt`; 0 for Finagle. */
  readonly defaultRttMs: number;
  /** Decay time constant τ: after Δt the old estimate keeps weight exp(−Δt/τ). */
  readonly decayMs: number;
}

export class PeakEwma {
  readonly defaultRttMs: number;
  readonly decayMs: number;
  private readonly now: () => number;
  /** Slot → id; only the first `size` entries are tracked (the rest is spare capacity). */
  private slotIds: Int32Array<ArrayBuffer> = new Int32Array(0);
  private estimates: Float64Array<ArrayBuffer> = new Float64Array(0);
  private stamps: Float64Array<ArrayBuffer> = new Float64Array(0);
  private count = 0;
  /** Whether the ids ascend: then `slot` binary-searches them and `slotOf` is empty. */
  private ascending = true;
  private readonly slotOf = new Map<number, number>();

  constructor(options: PeakEwmaOptions, now: () => number) {
    const { defaultRttMs, decayMs } = options;
    if (!(defaultRttMs >= 0 && defaultRttMs < Infinity)) {
      throw new RangeError(`peak EWMA defaultRttMs must be finite and ≥ 0, got ${defaultRttMs}`);
    }
    // tower: debug_assert!(decay_ns > 0); Finagle: require(Tau > 0).
    if (!(decayMs > 0 && decayMs < Infinity)) throw new RangeError(`peak EWMA decayMs must be finite and > 0, got ${decayMs}`);
    this.defaultRttMs = defaultRttMs;
    this.decayMs = decayMs;
    this.now = now;
  }

  /** Number of tracked endpoints. */
  get size(): number {
    return this.count;
  }

  /** Slot → id of the tracked endpoints (the first `size` entries; read-only to callers). */
  get ids(): Int32Array {
    return this.slotIds;
  }

  /**
   * Tracks exactly `ids`, slot i being ids[i]. Endpoints tracked before keep their estimate and
   * stamp (a discovery update leaves unchanged endpoints alone); new ones start at
   * `defaultRttMs` stamped now; endpoints no longer listed are forgotten, and start afresh if
   * they come back (tower evicts the service; Finagle closes the node).
   */
  track(ids: ArrayLike<number>): void {
    const n = ids.length;
    const estimates = new Float64Array(n);
    const stamps = new Float64Array(n);
    const now = this.now();
    let ascending = true;
    for (let slot = 0; slot < n; slot++) {
      const id = ids[slot]!;
      const old = this.slot(id);
      if (old < 0) {
        estimates[slot] = this.defaultRttMs;
        stamps[slot] = now;
      } else {
        estimates[slot] = this.estimates[old]!;
        stamps[slot] = this.stamps[old]!;
      }
      if (slot > 0 && id <= ids[slot - 1]!) ascending = false;
    }
    this.slotIds = Int32Array.from(ids);
    this.estimates = estimates;
    this.stamps = stamps;
    this.count = n;
    this.ascending = ascending;
    this.slotOf.clear();
    if (!ascending) for (let slot = 0; slot < n; slot++) this.slotOf.set(ids[slot]!, slot);
  }

  /** The slot of `id`, or -1 when it is not tracked. */
  slot(id: number): number {
    if (!this.ascending) return this.slotOf.get(id) ?? -1;
    const found = this.search(id);
    return found >= 0 ? found : -1;
  }

  /**
   * Starts tracking `id` (at `defaultRttMs`, stamped now) in its place by ascending id; returns
   * its slot. Later slots move up by one. An id already tracked keeps its estimate. A set
   * tracked in another order is first put in ascending order (`sortById`).
   */
  add(id: number): number {
    this.sortById();
    const found = this.search(id);
    if (found >= 0) return found;
    const slot = -found - 1;
    const n = this.count;
    if (n === this.slotIds.length) this.grow(Math.max(4, 2 * n));
    this.slotIds.copyWithin(slot + 1, slot, n);
    this.estimates.copyWithin(slot + 1, slot, n);
    this.stamps.copyWithin(slot + 1, slot, n);
    this.slotIds[slot] = id;
    this.estimates[slot] = this.defaultRttMs;
    this.stamps[slot] = this.now();
    this.count = n + 1;
    return slot;
  }

  /**
   * Stops tracking `id`; returns the slot it had (later slots move down by one), or -1 when it
   * was not tracked. Sorts first, as `add` does.
   */
  forget(id: number): number {
    this.sortById();
    const slot = this.search(id);
    if (slot < 0) return -1;
    const n = this.count;
    this.slotIds.copyWithin(slot, slot + 1, n);
    this.estimates.copyWithin(slot, slot + 1, n);
    this.stamps.copyWithin(slot, slot + 1, n);
    this.count = n - 1;
    return slot;
  }

  /** Puts the tracked ids in ascending order, estimates kept (O(n log n) once; O(1) when they ascend). */
  sortById(): void {
    if (!this.ascending) this.track(this.slotIds.slice(0, this.count).sort());
  }

  /** Binary search over ascending ids: the slot of `id`, or −(insertion point) − 1. */
  private search(id: number): number {
    return searchIds(this.slotIds, this.count, id);
  }

  private grow(capacity: number): void {
    const n = this.count;
    const ids = new Int32Array(capacity);
    ids.set(this.slotIds.subarray(0, n));
    const estimates = new Float64Array(capacity);
    estimates.set(this.estimates.subarray(0, n));
    const stamps = new Float64Array(capacity);
    stamps.set(this.stamps.subarray(0, n));
    this.slotIds = ids;
    this.estimates = estimates;
    this.stamps = stamps;
  }

  /**
   * Records a completed request's round-trip time (tower `Handle` drop, Finagle `Metric.end`),
   * at the current time. Ignored for an endpoint no longer tracked.
   */
  observe(id: number, rttMs: number): void {
    const slot = this.slot(id);
    if (slot >= 0) this.update(slot, rttMs > 0 ? rttMs : 0);
  }

  /** The estimate of `slot` decayed to now (tower `RttEstimate::decay`); mutates, as tower does. */
  estimate(slot: number): number {
    return this.update(slot, 0);
  }

  /** tower `Cost`: decayed estimate × (pending + 1). */
  cost(slot: number, pending: number): number {
    return this.update(slot, 0) * (pending + 1);
  }

  /** Finagle `PeakEwma.Metric.get`: the penalty for a pending host with no history, else the tower cost. */
  finagleLoad(slot: number, pending: number): number {
    const estimate = this.update(slot, 0);
    return estimate === 0 && pending !== 0 ? FINAGLE_PENALTY + pending : estimate * (pending + 1);
  }

  /**
   * tower P2C's comparison `load(a) <= load(b)`: both costs decayed to now, `a` first, exactly
   * as `cost` computes them. One clock read; written out in one body so that no double crosses
   * a call boundary (V8 boxes doubles passed to or returned from calls it does not inline).
   */
  costAtMost(slotA: number, pendingA: number, slotB: number, pendingB: number): boolean {
    const { estimates, stamps, decayMs } = this;
    const now = this.now();
    // The decay toward an RTT of 0: estimate·w + 0·(1 − w), which is estimate·w exactly.
    const elapsedA = now - stamps[slotA]!;
    const estimateA = estimates[slotA]! * Math.exp(-(elapsedA > 0 ? elapsedA : 0) / decayMs);
    estimates[slotA] = estimateA;
    stamps[slotA] = now;
    const elapsedB = now - stamps[slotB]!;
    const estimateB = estimates[slotB]! * Math.exp(-(elapsedB > 0 ? elapsedB : 0) / decayMs);
    estimates[slotB] = estimateB;
    stamps[slotB] = now;
    return estimateA * (pendingA + 1) <= estimateB * (pendingB + 1);
  }

  /** Finagle P2CPick's comparison `a.load < b.load` with `finagleLoad`, `a` read first; see `costAtMost`. */
  finagleLess(slotA: number, pendingA: number, slotB: number, pendingB: number): boolean {
    const { estimates, stamps, decayMs } = this;
    const now = this.now();
    const elapsedA = now - stamps[slotA]!;
    const estimateA = estimates[slotA]! * Math.exp(-(elapsedA > 0 ? elapsedA : 0) / decayMs);
    estimates[slotA] = estimateA;
    stamps[slotA] = now;
    const elapsedB = now - stamps[slotB]!;
    const estimateB = estimates[slotB]! * Math.exp(-(elapsedB > 0 ? elapsedB : 0) / decayMs);
    estimates[slotB] = estimateB;
    stamps[slotB] = now;
    const loadA = estimateA === 0 && pendingA !== 0 ? FINAGLE_PENALTY + pendingA : estimateA * (pendingA + 1);
    const loadB = estimateB === 0 && pendingB !== 0 ? FINAGLE_PENALTY + pendingB : estimateB * (pendingB + 1);
    return loadA < loadB;
  }

  /** The peak-EWMA update at the current time; returns the new estimate. */
  private update(slot: number, rttMs: number): number {
    const now = this.now();
    const previous = this.estimates[slot]!;
    let next: number;
    if (rttMs > previous) {
      next = rttMs;
    } else {
      const elapsed = now - this.stamps[slot]!;
      const w = Math.exp(-(elapsed > 0 ? elapsed : 0) / this.decayMs);
      next = previous * w + rttMs * (1 - w);
    }
    this.estimates[slot] = next;
    this.stamps[slot] = now;
    return next;
  }
}
