/**
 * NGINX `random two least_conn`: two distinct peers drawn with probability proportional to
 * weight; the one with fewer connections per weight wins.
 *
 * Implements: `ngx_http_upstream_get_random2_peer` and `ngx_http_upstream_peek_random_peer`
 * in src/http/modules/ngx_http_upstream_random_module.c (nginx @104734f2; same logic at HEAD
 * 3f6f7824 per balancers.md §5, B16); the fallback is ngx_http_upstream_round_robin.c's smooth
 * WRR on the shared peer state (_internals/nginx-peers.ts).
 *
 * Variant, exactly:
 * - Fewer than 2 peers: round robin (one peer → that peer; none → -1).
 * - A draw: `x = random % total_weight`, then a binary search for the peer whose cumulative
 *   range holds x (here x = u · total_weight, which picks the same peer for integer weights).
 * - Loop: a draw equal to the first peer is skipped; the first distinct draw is compared by
 *   cross-multiplication, `conns × prev.weight > prev.conns × weight ? prev : this one`, so a
 *   tie goes to the SECOND draw. Every draw that does not end the loop counts a try (the first
 *   peer's draw too); past 20 tries the pick falls back to round robin over every peer, as
 *   NGINX does (likely only when one weight dwarfs the rest).
 * - Connections = `deps.load.active(id)`, the caller's own in-flight count. `two` is always on
 *   and `least_conn` is its only method in open-source NGINX (`least_time` is NGINX Plus).
 * - Unhealthy endpoints: the caller passes only healthy ones. (NGINX keeps `down` peers in the
 *   ranges and spends a try when it draws one; here they are simply absent.) `max_conns`,
 *   `max_fails` and per-request retries are not modelled.
 *
 * Complexity: pick O(log n) per draw, about 2 draws for comparable weights, no allocation;
 * setEndpoints O(n).
 */
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { NginxPeers } from './_internals/nginx-peers.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext, RandomSource } from './types.js';

/** `if (++rp->tries > 20)`: the draws a pick may waste before falling back to round robin. */
export const NGINX_RANDOM_MAX_TRIES = 20;

export class NginxRandomTwoBalancer implements Balancer {
  /** The peers' weights and round-robin state (exposed for tests). */
  readonly peers = new NginxPeers();
  /** `ranges[i].range`: the sum of the weights before peer i. */
  private ranges = new Float64Array(0);
  private totalWeight = 0;
  private readonly random: RandomSource;
  private readonly load: LoadView;

  constructor(deps: BalancerDeps) {
    this.random = deps.random;
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids, weights } = copyEndpoints(endpoints);
    this.peers.rebuild(ids, weights);
    this.ranges = new Float64Array(ids.length);
    let total = 0;
    for (let slot = 0; slot < ids.length; slot++) {
      this.ranges[slot] = total;
      total += weights[slot]!;
    }
    this.totalWeight = total;
  }

  forgetEndpoints(ids: readonly number[]): void {
    this.peers.forget(ids);
  }

  pick(_ctx: PickContext): number {
    const { peers, load } = this;
    const { ids, weights } = peers;
    if (ids.length < 2) {
      const slot = peers.roundRobin();
      return slot < 0 ? -1 : ids[slot]!;
    }
    let prev = -1;
    for (let tries = 0; ; ) {
      const slot = this.peek();
      if (slot !== prev) {
        if (prev >= 0) {
          const fewer = load.active(ids[slot]!) * weights[prev]! > load.active(ids[prev]!) * weights[slot]!;
          return ids[fewer ? prev : slot]!;
        }
        prev = slot;
      }
      if (++tries > NGINX_RANDOM_MAX_TRIES) return ids[peers.roundRobin()]!;
    }
  }

  /** `ngx_http_upstream_peek_random_peer`: a weighted draw by binary search over the ranges. */
  private peek(): number {
    const ranges = this.ranges;
    const x = this.random.next() * this.totalWeight;
    let i = 0;
    let j = ranges.length;
    while (j - i > 1) {
      const k = (i + j) >>> 1;
      if (x < ranges[k]!) j = k;
      else i = k;
    }
    return i;
  }
}
