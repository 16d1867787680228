/**
 * Finagle's default balancer: power of two choices, least loaded.
 *
 * Implements: finagle-core/.../loadbalancer/p2c/P2CLeastLoaded.scala (`Balancers.p2c()`,
 * the `choice` value of the `defaultBalancer` flag) with LeastLoaded.scala as the load and
 * P2CPick.scala / Balancer.scala for the pick (see _internals/finagle-balancer.ts);
 * reference notes: balancers.md §3, B12.
 *
 * Variant, exactly:
 * - Load = outstanding requests on the node (`LeastLoaded.Node.load = counter.get`), here the
 *   caller's own in-flight count `deps.load.active(id)`.
 * - Two distinct nodes per pick (Finagle's "hole" draw), the lower load wins, ties to the
 *   second node; a node that is not Open (healthy: false) loses to an Open one.
 * - Up to `maxEffort` (default 4) picks while the chosen node is not Open, then the next pick
 *   regardless (panic).
 * - healthAware: the caller passes every endpoint with its health; weights are ignored.
 *
 * Complexity: pick O(1) expected (two draws per attempt), no allocation; setEndpoints O(n).
 */
import type { FinagleP2cConfig } from './load-aware-configs.js';
import { FinagleBalancer } from './_internals/finagle-balancer.js';
import type { BalancerDeps } from './types.js';

/** The config without its `kind` (a whole FinagleP2cConfig also fits). */
export type FinagleP2cOptions = Omit<FinagleP2cConfig, 'kind'>;

export class FinagleP2cBalancer extends FinagleBalancer {
  constructor(deps: BalancerDeps, options: FinagleP2cOptions) {
    super(deps, options.maxEffort, 'finagle_p2c');
  }

  protected override lessLoaded(a: number, b: number): boolean {
    return this.load.active(this.ids[a]!) < this.load.active(this.ids[b]!);
  }
}
