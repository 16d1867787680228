/**
 * An endpoint set as the typed arrays a balancer's hot path reads (slot → id, slot → weight),
 * replaced whole by `setEndpoints` or changed endpoint by endpoint by `updateEndpoints`.
 *
 * Implements the bookkeeping behind the Balancer contract's incremental path (types.ts): after
 * `update(changed, removed)` the slots hold exactly what `assign` would have made of the
 * resulting set in ascending id order, so a balancer that reads them picks as after a full
 * rebuild. A set assigned in another order is sorted once, at its first update.
 *
 * Representation: arrays with spare capacity and a `length`. An update finds a slot by binary
 * search and opens or closes it with `copyWithin` (a memmove of 4 or 8 bytes per later slot);
 * nothing is allocated unless the capacity grows. `weightsAreEqual` is O(1): the slots keep a
 * count per distinct weight.
 *
 * Why not O(log n) per change: picks index the set by rank (`ids[⌊u·n⌋]`, `hosts[i % n]`), and a
 * rank structure with O(log n) updates (a Fenwick tree over ids) makes every pick O(log n).
 * Picks outnumber membership changes by orders of magnitude, so the slots keep O(1) picks and
 * pay a memmove per change: a whole update through the slots measured 0.6–1.5 µs per change at
 * 1024–8192 endpoints (jsq, haproxy_first), 2–4 µs with Envoy's host selection around them
 * (least_request); bench/endpoint-updates.ts, benchmarks.md.
 *
 * Complexity: assign O(n); update O(k log n + k·n/2) word moves for k changes, no allocation;
 * indexOf O(log n) once sorted.
 */
import type { Endpoint } from '../types.js';
import { MAX_ENDPOINT_ID } from './endpoint-arrays.js';
import type { SlowStart } from './slow-start.js';

export class EndpointSlots {
  /** Slot → id; only the first `length` entries are the set. */
  ids: Int32Array<ArrayBuffer> = new Int32Array(0);
  /** Slot → weight. */
  weights: Float64Array<ArrayBuffer> = new Float64Array(0);
  /** Slot → a number the owner keeps per endpoint (slow start's window start), or null. */
  extra: Float64Array<ArrayBuffer> | null;
  length = 0;
  /** Whether the ids are in ascending order (always so after an update). */
  private ascending = true;
  /** Slots per distinct weight: the weights are all equal when there is at most one key. */
  private readonly weightCounts = new Map<number, number>();

  /** `withExtra`: keep one float64 per slot for the owner, moved with its slot. */
  constructor(withExtra = false) {
    this.extra = withExtra ? new Float64Array(0) : null;
  }

  /**
   * The whole set, in the caller's order (setEndpoints). Rejects what no production balancer
   * accepts: ids that are not integers in 0…2³¹−1, duplicate ids, and weights that are not
   * finite and positive (Envoy asserts weight > 0 before an EDF insertion; NGINX weight ≥ 1).
   * With `slowStart`, `extra` gets each slot's slow-start window start.
   */
  assign(endpoints: readonly Endpoint[], slowStart: SlowStart | null = null): void {
    this.assignSlots(endpoints);
    if (slowStart !== null) this.extra!.set(slowStart.windowStartsFor(endpoints));
  }

  private assignSlots(endpoints: readonly Endpoint[]): void {
    const n = endpoints.length;
    const seen = new Set<number>();
    for (const endpoint of endpoints) {
      checkEndpoint(endpoint);
      if (seen.has(endpoint.id)) throw new RangeError(`duplicate endpoint id ${endpoint.id}`);
      seen.add(endpoint.id);
    }
    this.ids = new Int32Array(n);
    this.weights = new Float64Array(n);
    if (this.extra !== null) this.extra = new Float64Array(n);
    this.weightCounts.clear();
    this.ascending = true;
    for (let slot = 0; slot < n; slot++) {
      const { id, weight } = endpoints[slot]!;
      this.ids[slot] = id;
      this.weights[slot] = weight;
      this.countWeight(weight, 1);
      if (slot > 0 && id < this.ids[slot - 1]!) this.ascending = false;
    }
    this.length = n;
  }

  /**
   * Applies an incremental update (Balancer.updateEndpoints): `changed` join or replace by id,
   * `removed` leave. Validates everything before changing anything. With `slowStart`, the
   * changed slots' window starts follow.
   */
  update(changed: readonly Endpoint[], removed: readonly number[], slowStart: SlowStart | null = null): void {
    this.updateSlots(changed, removed);
    if (slowStart !== null) slowStart.updateWindowStarts(this, changed);
  }

  /**
   * Envoy's choice of the EDF path at a refresh (`EdfLoadBalancerBase::refresh`): two or more
   * hosts, and weights that differ or a host in slow start.
   */
  needsEdf(slowStart: SlowStart | null): boolean {
    const inSlowStart = slowStart !== null && !slowStart.noHostsInSlowStart();
    return this.length >= 2 && (inSlowStart || !this.weightsAreEqual());
  }

  private updateSlots(changed: readonly Endpoint[], removed: readonly number[]): void {
    checkUpdate(changed, removed);
    if (!this.ascending) this.sortById();
    for (const id of removed) {
      const slot = this.indexOf(id);
      if (slot >= 0) this.removeSlot(slot);
    }
    for (const endpoint of changed) {
      const slot = this.search(endpoint.id);
      if (slot >= 0) {
        this.countWeight(this.weights[slot]!, -1);
        this.weights[slot] = endpoint.weight;
        this.countWeight(endpoint.weight, 1);
      } else {
        this.insertSlot(-slot - 1, endpoint);
      }
    }
  }

  /** Envoy `hostWeightsAreEqual` over the set (true for n ≤ 1). */
  weightsAreEqual(): boolean {
    return this.weightCounts.size <= 1;
  }

  /** The slot holding `id`, or −1. */
  indexOf(id: number): number {
    if (!this.ascending) {
      for (let slot = 0; slot < this.length; slot++) if (this.ids[slot] === id) return slot;
      return -1;
    }
    const slot = this.search(id);
    return slot >= 0 ? slot : -1;
  }

  /** Binary search over sorted ids: the slot of `id`, or −(insertion point) − 1. */
  private search(id: number): number {
    return searchIds(this.ids, this.length, id);
  }

  private removeSlot(slot: number): void {
    const n = this.length;
    this.countWeight(this.weights[slot]!, -1);
    this.ids.copyWithin(slot, slot + 1, n);
    this.weights.copyWithin(slot, slot + 1, n);
    this.extra?.copyWithin(slot, slot + 1, n);
    this.length = n - 1;
  }

  private insertSlot(slot: number, endpoint: Endpoint): void {
    const n = this.length;
    if (n === this.ids.length) this.grow(Math.max(4, 2 * n));
    this.ids.copyWithin(slot + 1, slot, n);
    this.weights.copyWithin(slot + 1, slot, n);
    this.extra?.copyWithin(slot + 1, slot, n);
    this.ids[slot] = endpoint.id;
    this.weights[slot] = endpoint.weight;
    if (this.extra !== null) this.extra[slot] = Number.NaN;
    this.countWeight(endpoint.weight, 1);
    this.length = n + 1;
  }

  private grow(capacity: number): void {
    const ids = new Int32Array(capacity);
    ids.set(this.ids.subarray(0, this.length));
    this.ids = ids;
    const weights = new Float64Array(capacity);
    weights.set(this.weights.subarray(0, this.length));
    this.weights = weights;
    if (this.extra !== null) {
      const extra = new Float64Array(capacity);
      extra.set(this.extra.subarray(0, this.length));
      this.extra = extra;
    }
  }

  private sortById(): void {
    const n = this.length;
    const order = Array.from({ length: n }, (_, slot) => slot).sort((a, b) => this.ids[a]! - this.ids[b]!);
    const ids = Int32Array.from(order, (slot) => this.ids[slot]!);
    const weights = Float64Array.from(order, (slot) => this.weights[slot]!);
    if (this.extra !== null) {
      const extra = this.extra;
      this.extra = Float64Array.from(order, (slot) => extra[slot]!);
    }
    this.ids = ids;
    this.weights = weights;
    this.ascending = true;
  }

  private countWeight(weight: number, delta: number): void {
    const count = (this.weightCounts.get(weight) ?? 0) + delta;
    if (count === 0) this.weightCounts.delete(weight);
    else this.weightCounts.set(weight, count);
  }
}

/** Binary search over the first `length` of ascending `ids`: the slot of `id`, or −(insertion point) − 1. */
export function searchIds(ids: Int32Array, length: number, id: number): number {
  let low = 0;
  let high = length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const at = ids[mid]!;
    if (at < id) low = mid + 1;
    else if (at > id) high = mid - 1;
    else return mid;
  }
  return -low - 1;
}

function checkEndpoint({ id, weight }: Endpoint): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ENDPOINT_ID) {
    throw new RangeError(`endpoint id must be an integer from 0 to ${MAX_ENDPOINT_ID}, got ${id}`);
  }
  if (!(weight > 0 && weight < Infinity)) throw new RangeError(`endpoint ${id}: weight must be finite and positive, got ${weight}`);
}

/**
 * The checks of an incremental update, before anything changes: every changed endpoint valid,
 * no id twice in `changed`, no id in both lists, removed ids integers.
 */
export function checkUpdate(changed: readonly Endpoint[], removed: readonly number[]): void {
  for (const endpoint of changed) checkEndpoint(endpoint);
  for (const id of removed) {
    if (!Number.isInteger(id)) throw new RangeError(`removed endpoint id must be an integer, got ${id}`);
  }
  if (changed.length + removed.length < 2) return;
  const seen = new Set<number>();
  for (const { id } of changed) {
    if (seen.has(id)) throw new RangeError(`endpoint ${id} is changed twice in one update`);
    seen.add(id);
  }
  for (const id of removed) {
    if (seen.has(id)) throw new RangeError(`endpoint ${id} is both changed and removed in one update`);
  }
}
