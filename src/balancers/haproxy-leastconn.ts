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
 * Complexity: pick O(n): one scan reading every in-flight count (HAProxy walks a tree in
 * O(log n), kept up to date by connection events this balancer cannot rely on seeing); no
 * allocation. onComplete O(1) (one Map lookup). setEndpoints O(n).
 */
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { effectiveWeight } from './_internals/haproxy-chash-ring.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext } from './types.js';

/** SRV_EWGHT_MAX = SRV_UWGHT_MAX (256) × BE_WEIGHT_SCALE (16). */
export const SRV_EWGHT_MAX = 4096;

export class HaproxyLeastconnBalancer implements Balancer {
  private ids = new Int32Array(0);
  private eweights = new Int32Array(0);
  /** Slot → sequence number of the server's last (re)insertion into the tree. */
  private stamps = new Float64Array(0);
  private slotOf = new Map<number, number>();
  private sequence = 0;
  private readonly load: LoadView;

  constructor(deps: BalancerDeps) {
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids, weights } = copyEndpoints(endpoints);
    const n = ids.length;
    const eweights = new Int32Array(n);
    const stamps = new Float64Array(n);
    const slotOf = new Map<number, number>();
    for (let slot = 0; slot < n; slot++) {
      eweights[slot] = effectiveWeight(weights[slot]!);
      const old = this.slotOf.get(ids[slot]!);
      stamps[slot] = old === undefined ? ++this.sequence : this.stamps[old]!;
      slotOf.set(ids[slot]!, slot);
    }
    this.ids = ids;
    this.eweights = eweights;
    this.stamps = stamps;
    this.slotOf = slotOf;
  }

  pick(_ctx: PickContext): number {
    const { ids, stamps } = this;
    const n = ids.length;
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
    const slot = this.slotOf.get(id);
    if (slot !== undefined) this.stamps[slot] = ++this.sequence;
  }

  /** `fwlc_queue_srv`'s key of the server in `slot`, from its current in-flight count. */
  key(slot: number): number {
    const inflight = this.load.active(this.ids[slot]!);
    return inflight === 0 ? 0 : Math.floor(((inflight + 1) * SRV_EWGHT_MAX) / this.eweights[slot]!);
  }
}
