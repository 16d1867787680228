/**
 * HAProxy `balance first`: the server with the lowest id that is below its `maxconn`.
 *
 * Implements: src/lb_fas.c (`fas_queue_srv` keyed by `puid`, `fas_get_next_server`, haproxy
 * @004e045f; HEAD 50872daa per balancers.md §5, B17).
 *
 * Variant, exactly:
 * - Servers are ordered by id (here the endpoint id); the first with in-flight < maxconn wins.
 *   In-flight = `deps.load.active(id)`, the caller's own count. Weights are ignored.
 * - `maxconn` is required: the algorithm is meaningless without it (HAProxy's documentation
 *   says so); one value applies to every server.
 * - When every server is at maxconn, HAProxy returns no server and the request waits in the
 *   backend queue for the first slot that frees. A balancer cannot hold a request, so
 *   `whenFull` decides: `least_loaded` (default) sends it to the server with the fewest
 *   in-flight requests (lowest id on ties), where it queues at the instance — the closest
 *   stand-in for "the next free slot"; `reject` returns -1 (no endpoint), which the simulator
 *   counts as an immediate failure, as HAProxy with `timeout queue` 0 would answer 503.
 * - Unhealthy endpoints: the caller passes only healthy ones. Not modelled: backup servers,
 *   the server to avoid on a redispatch, dynamic maxconn (`minconn`/`fullconn`).
 *
 * - Endpoint changes: HAProxy takes a server in or out of the tree one at a time
 *   (`fas_set_server_status_up/down`, O(log n)); `updateEndpoints` here opens or closes one
 *   slot of the id-ordered list (EndpointSlots: a binary search and a memmove).
 *
 * Complexity: pick O(k) for the k full servers before the first free one (O(n) when all are
 * full), no allocation; setEndpoints O(n log n); updateEndpoints O(k log n) plus a memmove of up
 * to n ids per server that joins or leaves.
 */
import type { HaproxyFirstConfig } from './load-aware-configs.js';
import { EndpointSlots } from './_internals/endpoint-slots.js';
import { sortedById } from './_internals/sorted-endpoints.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext } from './types.js';

/** The config without its `kind` (a whole HaproxyFirstConfig also fits). */
export type HaproxyFirstOptions = Omit<HaproxyFirstConfig, 'kind'>;

export class HaproxyFirstBalancer implements Balancer {
  readonly maxconn: number;
  readonly whenFull: HaproxyFirstConfig['whenFull'];
  /** The servers, in ascending id order. */
  private readonly byId = new EndpointSlots();
  private readonly load: LoadView;

  constructor(deps: BalancerDeps, options: HaproxyFirstOptions) {
    const { maxconn, whenFull } = options;
    if (!Number.isSafeInteger(maxconn) || maxconn < 1) throw new RangeError(`haproxy_first maxconn must be an integer ≥ 1, got ${maxconn}`);
    if (whenFull !== 'least_loaded' && whenFull !== 'reject') {
      throw new RangeError(`haproxy_first whenFull must be 'least_loaded' or 'reject', got ${String(whenFull)}`);
    }
    this.maxconn = maxconn;
    this.whenFull = whenFull;
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.byId.assign(sortedById(endpoints));
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    this.byId.update(changed, removed);
  }

  pick(_ctx: PickContext): number {
    const { load, maxconn } = this;
    const n = this.byId.length;
    const byId = this.byId.ids;
    let leastId = -1;
    let leastActive = Infinity;
    for (let i = 0; i < n; i++) {
      const id = byId[i]!;
      const active = load.active(id);
      if (active < maxconn) return id;
      if (active < leastActive) {
        leastId = id;
        leastActive = active;
      }
    }
    return this.whenFull === 'reject' ? -1 : leastId;
  }
}
