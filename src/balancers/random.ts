/**
 * Uniform random choice, as Envoy's RANDOM load balancer does it.
 *
 * Implements: Envoy `RandomLoadBalancer`
 * (source/extensions/load_balancing_policies/random/random_lb.cc); reference notes: balancers.md
 * §1.5, B7.
 *
 * Variant, exactly:
 * - One random draw per pick selects `hosts[r % n]` (here `floor(u · n)`), also for a single host.
 * - Endpoint weights are ignored, as in Envoy (locality weights and priorities, which Envoy does
 *   honour and which share the same draw, are the caller's business here).
 * - No seed and no state besides the endpoint list: nothing survives `setEndpoints`.
 *
 * Complexity: pick O(1), one random draw, no allocation; setEndpoints O(n); updateEndpoints a
 * memmove of the sorted slots (_internals/endpoint-slots.ts).
 */
import { EndpointSlots } from './_internals/endpoint-slots.js';
import { uniformIndex } from './_internals/random-draws.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext, RandomSource } from './types.js';

export class RandomBalancer implements Balancer {
  private readonly slots = new EndpointSlots();
  private ids = new Int32Array(0);
  private n = 0;
  private readonly random: RandomSource;

  constructor(deps: BalancerDeps) {
    this.random = deps.random;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.slots.assign(endpoints);
    this.refresh();
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    this.slots.update(changed, removed);
    this.refresh();
  }

  private refresh(): void {
    this.ids = this.slots.ids;
    this.n = this.slots.length;
  }

  pick(_ctx: PickContext): number {
    const n = this.n;
    if (n === 0) return -1;
    return this.ids[uniformIndex(this.random, n)]!;
  }
}
