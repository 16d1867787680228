/**
 * HAProxy `balance random(<draws>)`: `draws` random points on the weighted consistent-hash
 * ring; the server with the fewest served requests per weight is kept.
 *
 * Implements: `get_server_rnd` in src/backend.c (haproxy @00464ab8 and later; HEAD 50872daa
 * per balancers.md §5, B17) over `chash_get_server_hash` in src/lb_chash.c
 * (_internals/haproxy-chash-ring.ts).
 *
 * Variant, exactly:
 * - Each draw is a uniform 32-bit hash (`ha_random32()`) looked up on the ring: the server of
 *   the nearest point, with 16 points per unit of weight. Weights are honoured through the
 *   ring, so shares are close to, not exactly, proportional to weight.
 * - draws (default 2): `prev = curr; curr = lookup(random)`; if `prev` exists, differs from
 *   `curr` and `curr.served × prev.eweight > prev.served × curr.eweight`, keep `prev`. So a tie
 *   goes to the newer draw, and two draws may hit the same server (no distinctness check).
 * - served = `deps.load.active(id)`, the caller's own in-flight count.
 * - Not modelled: newer HAProxy's tie-break on the weighted session rate of the last second,
 *   `hash-balance-factor`, and the backend queue when the chosen server is at `maxconn`
 *   (there is no maxconn here, so a server is never "full").
 * - Unhealthy endpoints: the caller passes only healthy ones (DOWN servers leave the ring).
 *
 * Complexity: pick O(draws · log P), P = 16 × Σ weight ring points, no allocation;
 * setEndpoints O(P log P).
 */
import type { HaproxyRandomConfig } from './load-aware-configs.js';
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { ChashRing, effectiveWeight } from './_internals/haproxy-chash-ring.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext, RandomSource } from './types.js';

/** The config without its `kind` (a whole HaproxyRandomConfig also fits). */
export type HaproxyRandomOptions = Omit<HaproxyRandomConfig, 'kind'>;

export class HaproxyRandomBalancer implements Balancer {
  readonly draws: number;
  /** The ring (exposed for tests: `ring.arcShares`). */
  readonly ring = new ChashRing();
  private ids = new Int32Array(0);
  private eweights = new Int32Array(0);
  private readonly random: RandomSource;
  private readonly load: LoadView;

  constructor(deps: BalancerDeps, options: HaproxyRandomOptions) {
    if (!Number.isSafeInteger(options.draws) || options.draws < 1) throw new RangeError(`haproxy_random draws must be an integer ≥ 1, got ${options.draws}`);
    this.draws = options.draws;
    this.random = deps.random;
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids, weights } = copyEndpoints(endpoints);
    this.ids = ids;
    this.eweights = Int32Array.from(weights, effectiveWeight);
    this.ring.build(this.ids, this.eweights);
  }

  pick(_ctx: PickContext): number {
    const { ids, eweights, load, ring } = this;
    if (ids.length === 0) return -1;
    let curr = -1;
    for (let draw = 0; draw < this.draws; draw++) {
      const prev = curr;
      curr = ring.lookup(Math.floor(this.random.next() * 2 ** 32));
      if (prev >= 0 && prev !== curr && load.active(ids[curr]!) * eweights[prev]! > load.active(ids[prev]!) * eweights[curr]!) {
        curr = prev;
      }
    }
    return ids[curr]!;
  }
}
