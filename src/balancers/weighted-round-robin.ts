/**
 * Weighted round robin in two production variants, chosen by `variant`.
 *
 * `edf` (default) implements Envoy's weighted ROUND_ROBIN path: the EDF scheduler of
 * source/common/upstream/edf_scheduler.h as driven by `EdfLoadBalancerBase`
 * (…/load_balancing_policies/common/load_balancer_impl.cc); balancers.md §1.2, B3, B4.
 * - Unlike `round_robin`, the EDF scheduler is used even when all weights are equal (it then
 *   rotates in endpoint order from a seed-derived start).
 * - One 32-bit seed per instance; every `setEndpoints` rebuilds with `createWithPicks(seed)`.
 *   See _internals/edf-scheduler.ts for the pre-pick rule.
 *
 * `smooth` implements NGINX smooth weighted round robin (ngx_http_upstream_round_robin.c,
 * `ngx_http_upstream_get_peer`; balancers.md §5, B16) on the per-peer state NGINX's other
 * balancers share (_internals/nginx-peers.ts). It draws no randomness and keeps per-id state
 * across `setEndpoints`; a single endpoint is returned without touching its weights, as NGINX's
 * `peers->single` path does.
 *
 * `updateEndpoints` changes the sorted slots (_internals/endpoint-slots.ts) and rebuilds as
 * `setEndpoints` does: both variants rebuild their whole schedule on any change, as Envoy and
 * NGINX do.
 *
 * Complexity: pick O(log n) for edf, O(n) for smooth (as in NGINX); setEndpoints and
 * updateEndpoints O(n log n) and O(n). pick allocates nothing.
 */
import type { WeightedRoundRobinConfig } from './configs.js';
import { EndpointSlots } from './_internals/endpoint-slots.js';
import { EdfScheduler } from './_internals/edf-scheduler.js';
import { drawSeed } from './_internals/random-draws.js';
import { NginxPeers } from './_internals/nginx-peers.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext } from './types.js';

/** The config without its `kind`: what the class needs (a whole WeightedRoundRobinConfig also fits). */
export type WeightedRoundRobinOptions = Omit<WeightedRoundRobinConfig, 'kind'>;
export type WeightedRoundRobinVariant = WeightedRoundRobinConfig['variant'];

export class WeightedRoundRobinBalancer implements Balancer {
  readonly variant: WeightedRoundRobinVariant;
  private readonly slots = new EndpointSlots();
  private ids = new Int32Array(0);
  private weights = new Float64Array(0);
  private n = 0;
  private readonly smooth: boolean;
  /** Drawn only by the edf variant: smooth WRR consumes no randomness. */
  private readonly seed: number;
  private readonly scheduler = new EdfScheduler((slot) => this.weights[slot]!);
  private readonly peers = new NginxPeers();

  constructor(deps: BalancerDeps, config: WeightedRoundRobinOptions) {
    if (config.variant !== 'edf' && config.variant !== 'smooth') {
      throw new RangeError(`weighted_round_robin variant must be 'edf' or 'smooth', got ${String(config.variant)}`);
    }
    this.variant = config.variant;
    this.smooth = config.variant === 'smooth';
    this.seed = this.smooth ? 0 : drawSeed(deps.random);
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.slots.assign(endpoints);
    this.rebuild();
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    this.slots.update(changed, removed);
    this.rebuild();
  }

  private rebuild(): void {
    const n = this.slots.length;
    this.n = n;
    this.ids = this.slots.ids;
    this.weights = this.slots.weights;
    // NGINX's peers keep the arrays they are given: theirs are exact copies.
    if (this.smooth) this.peers.rebuild(this.ids.slice(0, n), this.weights.slice(0, n));
    else this.scheduler.rebuild(n, this.seed);
  }

  forgetEndpoints(ids: readonly number[]): void {
    this.peers.forget(ids);
  }

  pick(_ctx: PickContext): number {
    if (this.n === 0) return -1;
    const slot = this.smooth ? this.peers.roundRobin() : this.scheduler.pick();
    return this.ids[slot]!;
  }
}
