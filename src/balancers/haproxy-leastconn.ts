/**
 * HAProxy `balance leastconn`: the server with the lowest (in-flight + 1) / weight key, idle
 * servers first, rotating among servers with equal keys.
 *
 * Implements: src/lb_fwlc.c (`fwlc_queue_srv`, `fwlc_srv_reposition`, `fwlc_get_next_server`,
 * haproxy @cb33d3ac; HEAD 50872daa per balancers.md §5, B17).
 *
 * Variant, exactly:
 * - Key: `inflight ? (inflight + 1) × SRV_EWGHT_MAX / eweight : 0` in integer division, with
 *   SRV_EWGHT_MAX = 4096 and eweight = 16 × weight (here rounded, at least 1). In-flight =
 *   `deps.load.active(id)`, the caller's own count (HAProxy's served + queued). The `+ 1` sorts
 *   servers by their load once picked; the 0 for an idle server makes idle servers always go
 *   first, so at low load the heaviest server does not take everything.
 * - Order: HAProxy keeps servers in an ebtree by key and takes the first; a server is
 *   re-inserted (`fwlc_srv_reposition`) every time it takes or releases a connection, and a
 *   re-inserted key goes after the equal keys already there. Here the balancer stamps a
 *   server with a sequence number when it is picked and when `onComplete` reports one of its
 *   requests ended, and picks the lowest (key, stamp): equal keys rotate in the order of their
 *   last change, as in the tree. New servers are stamped in endpoint order when they appear.
 * - Keys are computed from the live in-flight counts at each pick, so the order is exact even
 *   if the caller never calls `onComplete` (only the rotation among equal keys then degrades
 *   to pick order).
 * - Unhealthy endpoints: the caller passes only healthy ones (HAProxy removes DOWN servers
 *   from the tree). Not modelled: `maxconn` saturation skips and the backend queue, backup
 *   servers, slowstart, the server to avoid on a redispatch.
 *
 * - Endpoint changes (`updateEndpoints`): HAProxy takes one server in or out of the tree
 *   (`fwlc_set_server_status_up/down`, O(log n)). Here one slot opens or closes in ascending id
 *   order (EndpointSlots, a memmove) and servers that join are stamped in id order, so picks
 *   equal those after `setEndpoints` with the set in id order.
 *
 * Complexity: pick O(n): one scan reading every in-flight count (HAProxy walks a tree in
 * O(log n), kept up to date by connection events this balancer cannot rely on seeing); no
 * allocation. onComplete O(log n) (a binary search; O(n) while a set given out of id order has
 * not been updated). setEndpoints O(n); updateEndpoints O(k log k + k log n) plus a memmove of
 * up to n slots per server that joins or leaves.
 */
import { EndpointSlots } from './_internals/endpoint-slots.js';
import { effectiveWeight } from './_internals/haproxy-chash-ring.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext } from './types.js';

/** SRV_EWGHT_MAX = SRV_UWGHT_MAX (256) × BE_WEIGHT_SCALE (16). */
export const SRV_EWGHT_MAX = 4096;

export class HaproxyLeastconnBalancer implements Balancer {
  /** The servers; `extra` holds each one's stamp, the sequence number of its last (re)insertion into the tree. */
  private readonly slots = new EndpointSlots(true);
  private sequence = 0;
  private readonly load: LoadView;

  constructor(deps: BalancerDeps) {
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { slots } = this;
    const previous = new Map<number, number>();
    for (let slot = 0; slot < slots.length; slot++) previous.set(slots.ids[slot]!, slots.extra![slot]!);
    slots.assign(endpoints);
    for (let slot = 0; slot < slots.length; slot++) slots.extra![slot] = previous.get(slots.ids[slot]!) ?? ++this.sequence;
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    const { slots } = this;
    slots.update(changed, removed);
    // New servers (a NaN stamp) are stamped in id order, as setEndpoints stamps them in slot order.
    const joined = changed.filter((endpoint) => Number.isNaN(slots.extra![slots.indexOf(endpoint.id)]!));
    if (joined.length > 1) joined.sort((a, b) => a.id - b.id);
    for (const endpoint of joined) slots.extra![slots.indexOf(endpoint.id)] = ++this.sequence;
  }

  pick(_ctx: PickContext): number {
    const { slots } = this;
    const ids = slots.ids;
    const stamps = slots.extra!;
    const n = slots.length;
    if (n === 0) return -1;
    let best = 0;
    let bestKey = this.key(0);
    for (let slot = 1; slot < n; slot++) {
      const key = this.key(slot);
      if (key < bestKey || (key === bestKey && stamps[slot]! < stamps[best]!)) {
        best = slot;
        bestKey = key;
      }
    }
    // The server takes a connection: fwlc_srv_reposition moves it behind its equal keys.
    stamps[best] = ++this.sequence;
    return ids[best]!;
  }

  onComplete(id: number, _rttMs: number, _ok: boolean): void {
    // It releases one: repositioned again.
    const slot = this.slots.indexOf(id);
    if (slot >= 0) this.slots.extra![slot] = ++this.sequence;
  }

  /** `fwlc_queue_srv`'s key of the server in `slot`, from its current in-flight count. */
  key(slot: number): number {
    const inflight = this.load.active(this.slots.ids[slot]!);
    return inflight === 0 ? 0 : Math.floor(((inflight + 1) * SRV_EWGHT_MAX) / effectiveWeight(this.slots.weights[slot]!));
  }
}
