/**
 * Round robin, as Envoy's ROUND_ROBIN load balancer does it.
 *
 * Implements: Envoy `RoundRobinLoadBalancer`
 * (source/extensions/load_balancing_policies/round_robin/round_robin_lb.h) on top of
 * `EdfLoadBalancerBase` (…/common/load_balancer_impl.cc); reference notes: balancers.md §1.2, B4.
 *
 * Variant, exactly:
 * - A seed is drawn once per balancer instance (Envoy `seed_ = random.random()`; here 32 bits).
 * - Unweighted path, when every weight is equal (there is no slow start here): the index starts
 *   at the seed and each pick returns `hosts[index++ % n]`. The index survives `setEndpoints`
 *   (Envoy's `rr_indexes_.insert` never overwrites it), so after a change the rotation resumes
 *   at `index % n_new`, not at the first host.
 * - Weighted path, when weights differ and n ≥ 2: Envoy's EDF scheduler, rebuilt on every
 *   `setEndpoints` with `createWithPicks(seed)` (see _internals/edf-scheduler.ts). The weight is
 *   the endpoint's static weight. The unweighted index does not advance on weighted picks.
 * - Not modelled: priorities, localities, panic, slow start (balancers.md §1.3, §1.8–1.11) and
 *   preconnect peeking; the caller passes the eligible host set.
 *
 * Complexity: pick O(1) unweighted, O(log n) weighted; setEndpoints O(n) unweighted,
 * O(n log n) weighted. pick allocates nothing.
 */
import { copyEndpoints, weightsAreEqual } from './_internals/endpoint-arrays.js';
import { EdfScheduler } from './_internals/edf-scheduler.js';
import { drawSeed } from './_internals/random-draws.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext } from './types.js';

export class RoundRobinBalancer implements Balancer {
  private ids = new Int32Array(0);
  private weights = new Float64Array(0);
  private readonly seed: number;
  /**
   * Envoy's `rr_indexes_[source]`: seed + unweighted picks so far, exact up to 2^53 picks.
   * Initialised with a number (not left `undefined` until the constructor body) so V8 keeps the
   * field as a double updated in place: incrementing it past 2^31 then allocates nothing.
   */
  private index = 0;
  /** `index % ids.length`, kept separately so pick needs no division. */
  private cursor = 0;
  private weighted = false;
  private readonly scheduler = new EdfScheduler((slot) => this.weights[slot]!);

  constructor(deps: BalancerDeps) {
    this.seed = drawSeed(deps.random);
    this.index = this.seed;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    ({ ids: this.ids, weights: this.weights } = copyEndpoints(endpoints));
    const n = this.ids.length;
    this.cursor = n === 0 ? 0 : this.index % n;
    this.weighted = n >= 2 && !weightsAreEqual(this.weights);
    this.scheduler.rebuild(this.weighted ? n : 0, this.seed);
  }

  pick(_ctx: PickContext): number {
    const n = this.ids.length;
    if (n === 0) return -1;
    if (this.weighted) return this.ids[this.scheduler.pick()]!;
    const id = this.ids[this.cursor]!;
    this.index++;
    this.cursor = this.cursor + 1 === n ? 0 : this.cursor + 1;
    return id;
  }
}
