/**
 * What every Finagle P2C-family balancer shares: the pick of two distinct nodes and the
 * effort loop around it. Subclasses choose the load metric (P2CLeastLoaded, P2CPeakEwma) and
 * how many nodes, in what order, the pick draws from (Aperture).
 *
 * Implements: finagle-core/.../loadbalancer/p2c/P2CPick.scala (`pick`, @202a6578) and
 * Balancer.scala (`pick(count)` / `apply`, @6aa3699a); reference notes: balancers.md §3, B12.
 *
 * Variant, exactly:
 * - Node status: `Status.Open` for a healthy endpoint, `Status.Closed` for one with
 *   `healthy: false`. Finagle does not filter unhealthy nodes out of P2C (it relies on the
 *   effort loop), so these balancers are `healthAware` and receive every endpoint.
 * - Distributor pick over the first `bound` nodes of the vector: 1 node (or a bound of 1) →
 *   the head, drawing nothing. Otherwise `a = rand(bound)`, `b = rand(bound − 1)`, `b` skipping
 *   `a`. Equal statuses → the lower load, ties to `b` (`if (a.load < b.load) a else b`, loads
 *   read a then b); different statuses → the healthier one, loads not read.
 * - Effort loop (`Balancer.apply`): up to `maxEffort` distributor picks, returning the first
 *   Open node. If none, the balancer "panics": it rebuilds the distributor (a hook; a no-op for
 *   plain P2C) and returns the next pick whatever its status. Finagle's default PanicMode is
 *   FiftyPercentUnhealthy, `maxEffort` 4 (older Finagle: `Balancers.MaxEffort` 5). `inPanic(id)`
 *   tells whether the last pick was such a panic pick.
 * - No endpoints → -1 (Finagle's failing node, NoBrokersAvailableException). Weights are
 *   ignored (Finagle handles weights above the balancer, one balancer per weight class).
 * - Endpoint changes: Finagle rebuilds its distributor on every update of the endpoint set
 *   (Balancer.scala `updateEndpoints` → `rebuild()`), O(n). For P2C that rebuild is a new
 *   vector over the same nodes, whose node state (load, status) lives in the nodes and
 *   survives it, so `updateEndpoints` here opens or closes one slot of the set in ascending id
 *   order (a memmove) or flips one node's status, and picks equal those after a rebuild. What a
 *   subclass's rebuild decides (Aperture's order) it rebuilds itself (`endpointsUpdated`).
 *
 * Complexity: pick O(maxEffort) draws and load reads, O(1) with a healthy cluster; no allocation.
 * setEndpoints O(n); updateEndpoints O(k log n) plus a memmove of up to n slots per joining or
 * leaving endpoint, and what the subclass adds.
 */
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext, RandomSource } from '../types.js';
import { copyEndpoints } from './endpoint-arrays.js';
import { checkUpdate, searchIds } from './endpoint-slots.js';

export abstract class FinagleBalancer implements Balancer {
  readonly healthAware = true;
  readonly maxEffort: number;
  /**
   * Slot → endpoint id, in the order of the last `setEndpoints`, ascending after an update; the
   * first `size` entries are the set (the rest is spare capacity).
   */
  protected ids: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** Slot → 1 when the node's status is Open (healthy), 0 when Closed. */
  protected open: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  /** Vector position → slot: the order picks draw from (identity unless a subclass reorders). */
  protected order: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** Number of nodes. */
  protected size = 0;
  /** Whether the ids ascend (always so after an update). */
  private ascending = true;
  protected readonly random: RandomSource;
  protected readonly load: LoadView;
  /** The two drawn positions of the current pick (reused). */
  private readonly pair = new Int32Array(2);
  /** Whether the last pick exhausted the effort loop (Finagle's panic). */
  private panicked = false;

  constructor(deps: BalancerDeps, maxEffort: number, kind: string) {
    if (!Number.isSafeInteger(maxEffort) || maxEffort < 0) throw new RangeError(`${kind} maxEffort must be an integer ≥ 0, got ${maxEffort}`);
    this.maxEffort = maxEffort;
    this.random = deps.random;
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids } = copyEndpoints(endpoints);
    this.assign(ids, Uint8Array.from(endpoints, (endpoint) => (endpoint.healthy === false ? 0 : 1)));
  }

  /**
   * The contract's incremental update, equal to `setEndpoints` with the resulting set in
   * ascending id order: a status change flips one flag, a node that joins or leaves opens or
   * closes one slot. A set given in another order is put in id order first, as a rebuild would.
   */
  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    checkUpdate(changed, removed);
    this.sortById();
    let membersChanged = false;
    for (const id of removed) {
      const slot = this.search(id);
      if (slot < 0) continue;
      this.closeSlot(slot);
      this.slotClosed(id);
      membersChanged = true;
    }
    for (const endpoint of changed) {
      const found = this.search(endpoint.id);
      const open = endpoint.healthy === false ? 0 : 1;
      if (found >= 0) {
        this.open[found] = open;
      } else {
        this.openSlot(-found - 1, endpoint.id, open);
        this.slotOpened(endpoint.id);
        membersChanged = true;
      }
    }
    this.endpointsUpdated(membersChanged);
  }

  pick(_ctx: PickContext): number {
    if (this.size === 0) return -1;
    let slot = -1;
    for (let effort = 0; effort < this.maxEffort && slot < 0; effort++) {
      const candidate = this.distributorPick();
      if (this.open[candidate] === 1) slot = candidate;
    }
    this.panicked = slot < 0;
    if (slot < 0) {
      this.panicRebuild();
      slot = this.distributorPick();
    }
    this.picked();
    return this.ids[slot]!;
  }

  /** With an id: whether the last pick panicked (it may be a Closed node). Finagle has no panic state. */
  inPanic(id?: number): boolean {
    return id !== undefined && this.panicked;
  }

  /**
   * `a.load < b.load` for the nodes in slots a and b, `a` read first (`NodeT.load`, which may
   * update the metric, as Finagle's does). A comparison rather than a load so that no double
   * crosses a call boundary on the pick path.
   */
  protected abstract lessLoaded(a: number, b: number): boolean;

  /** How many vector positions the pick draws from: every node for P2C, the aperture for Aperture. */
  protected bound(): number {
    return this.size;
  }

  /**
   * Called by every setEndpoints, after `ids` and `open` are set, with the previous ids. The
   * default draws from the endpoints in the order given (P2C's vector is the update's order).
   */
  protected endpointsSet(_previous: Int32Array): void {
    this.order = identity(this.ids.length);
  }

  /** Called after `updateEndpoints` opened a slot for `id` (it holds the id's slot now). */
  protected slotOpened(_id: number): void {}

  /** Called after `updateEndpoints` closed the slot of `id`. */
  protected slotClosed(_id: number): void {}

  /**
   * Called at the end of every `updateEndpoints`: whether nodes joined or left. The default
   * keeps P2C's identity order (slot = vector position) as long as the set.
   */
  protected endpointsUpdated(_membersChanged: boolean): void {
    if (this.order.length < this.ids.length) this.order = identity(this.ids.length);
  }

  /** Finagle's rebuild after the effort is exhausted (`tryRebuild`); nothing to do for P2C. */
  protected panicRebuild(): void {}

  /** Called once per successful pick, as the chosen node takes the request (`Node.apply`). */
  protected picked(): void {}

  /**
   * Two distinct positions below `range`: `a = rand(range)`, `b = rand(range − 1)` skipping the
   * "hole" at `a`, so b is uniform over the others. A small leaf that writes integers: the
   * draws' doubles never cross a call boundary (V8 boxes a double returned from a call it does
   * not inline).
   */
  private drawPair(range: number): Int32Array {
    const pair = this.pair;
    const a = Math.floor(this.random.next() * range);
    const b = Math.floor(this.random.next() * (range - 1));
    pair[0] = a;
    pair[1] = b >= a ? b + 1 : b;
    return pair;
  }

  /** `P2CPick.pick` over the first `bound()` positions of `order`; returns a slot. */
  private distributorPick(): number {
    const range = this.bound();
    const order = this.order;
    if (range === 1 || this.size === 1) return order[0]!;
    const pair = this.drawPair(range);
    const nodeA = order[pair[0]!]!;
    const nodeB = order[pair[1]!]!;
    if (this.open[nodeA] === this.open[nodeB]) return this.lessLoaded(nodeA, nodeB) ? nodeA : nodeB;
    return this.open[nodeA] === 1 ? nodeA : nodeB;
  }

  private assign(ids: Int32Array<ArrayBuffer>, open: Uint8Array<ArrayBuffer>): void {
    const previous = this.ids.subarray(0, this.size);
    this.ids = ids;
    this.open = open;
    this.size = ids.length;
    this.ascending = ids.every((id, slot) => slot === 0 || ids[slot - 1]! < id);
    this.endpointsSet(previous);
  }

  /** `setEndpoints` with the same nodes in ascending id order, unless they are in that order. */
  private sortById(): void {
    if (this.ascending) return;
    const n = this.size;
    const bySlot = Array.from({ length: n }, (_, slot) => slot).sort((a, b) => this.ids[a]! - this.ids[b]!);
    this.assign(
      Int32Array.from(bySlot, (slot) => this.ids[slot]!),
      Uint8Array.from(bySlot, (slot) => this.open[slot]!),
    );
  }

  /** Binary search over the ascending ids: the slot of `id`, or −(insertion point) − 1. */
  private search(id: number): number {
    return searchIds(this.ids, this.size, id);
  }

  private openSlot(slot: number, id: number, open: number): void {
    const n = this.size;
    if (n === this.ids.length) {
      const capacity = Math.max(4, 2 * n);
      const ids = new Int32Array(capacity);
      ids.set(this.ids.subarray(0, n));
      const flags = new Uint8Array(capacity);
      flags.set(this.open.subarray(0, n));
      this.ids = ids;
      this.open = flags;
    }
    this.ids.copyWithin(slot + 1, slot, n);
    this.open.copyWithin(slot + 1, slot, n);
    this.ids[slot] = id;
    this.open[slot] = open;
    this.size = n + 1;
  }

  private closeSlot(slot: number): void {
    const n = this.size;
    this.ids.copyWithin(slot, slot + 1, n);
    this.open.copyWithin(slot, slot + 1, n);
    this.size = n - 1;
  }
}

/** The identity order over `n` slots. */
function identity(n: number): Int32Array<ArrayBuffer> {
  return Int32Array.from({ length: n }, (_, slot) => slot);
}

/** True when `a` and `b` hold the same ids, in any order (Finagle rebuilds only when they differ). */
export function sameMembers(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  const members = new Set(a);
  for (const id of b) if (!members.has(id)) return false;
  return true;
}
