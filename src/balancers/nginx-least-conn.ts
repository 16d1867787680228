/**
 * NGINX `least_conn`: the peer with the fewest connections per weight, ties broken by smooth
 * weighted round robin among the tied peers.
 *
 * Implements: `ngx_http_upstream_get_least_conn_peer` in
 * src/http/modules/ngx_http_upstream_least_conn_module.c (nginx @017cf96c; same logic at HEAD
 * 3f6f7824 per balancers.md §5, B16), on the peers' round-robin state of
 * ngx_http_upstream_round_robin.c (_internals/nginx-peers.ts).
 *
 * Variant, exactly:
 * - Connections = `deps.load.active(id)`, the caller's own in-flight count (a worker's
 *   `peer->conns`, or the zone's when the upstream has a shared zone).
 * - One peer: returned as is (`peers->single` → round robin's single path).
 * - First pass, in peer order: `best` is replaced only by a strictly smaller ratio, compared
 *   by cross-multiplication (`conns × best.weight < best.conns × weight`, no division); an
 *   equal ratio sets `many`.
 * - If tied (`many`): one smooth-WRR round over the tied peers only, starting at the first
 *   of them: `current += effective`, the largest `current` wins (the first on equality), and
 *   the winner gives back the round's total. So ties rotate in weighted order (3:1 → a a b a),
 *   sharing `current_weight` with the upstream's round robin, and non-tied peers' state is
 *   untouched. (`best.current -= total` also runs with no tie, with total 0.)
 * - Unhealthy endpoints: the caller passes only healthy ones (NGINX skips `down` and failed
 *   peers the same way); `max_conns`, `max_fails` and per-request retries (`tried`) are not
 *   modelled; backup servers neither.
 *
 * Complexity: pick O(n) (NGINX scans every peer), no allocation; setEndpoints O(n).
 */
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { NginxPeers } from './_internals/nginx-peers.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext } from './types.js';

export class NginxLeastConnBalancer implements Balancer {
  /** The peers' weights and round-robin state (exposed for tests). */
  readonly peers = new NginxPeers();
  private readonly load: LoadView;

  constructor(deps: BalancerDeps) {
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids, weights } = copyEndpoints(endpoints);
    this.peers.rebuild(ids, weights);
  }

  forgetEndpoints(ids: readonly number[]): void {
    this.peers.forget(ids);
  }

  pick(_ctx: PickContext): number {
    const { peers, load } = this;
    const { ids, weights } = peers;
    const n = ids.length;
    if (n <= 1) return n === 0 ? -1 : ids[0]!;

    let best = 0;
    let bestConns = load.active(ids[0]!);
    let bestWeight = weights[0]!;
    let many = false;
    for (let slot = 1; slot < n; slot++) {
      const conns = load.active(ids[slot]!);
      const weight = weights[slot]!;
      const lhs = conns * bestWeight;
      const rhs = bestConns * weight;
      if (lhs < rhs) {
        best = slot;
        bestConns = conns;
        bestWeight = weight;
        many = false;
      } else if (lhs === rhs) {
        many = true;
      }
    }

    let total = 0;
    if (many) {
      // NGINX moves `best` through the tied peers and keeps comparing against it; the tied
      // peers all have best's ratio, so the tie test is the same whichever of them `best` is.
      const first = best;
      const current = peers.current;
      for (let slot = first; slot < n; slot++) {
        const conns = load.active(ids[slot]!);
        const weight = weights[slot]!;
        if (conns * bestWeight !== bestConns * weight) continue;
        total += peers.smoothStep(slot);
        if (current[slot]! > current[best]!) {
          best = slot;
          bestConns = conns;
          bestWeight = weight;
        }
      }
    }
    peers.settle(best, total);
    return ids[best]!;
  }
}
