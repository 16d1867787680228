/**
 * Round robin, as Envoy's ROUND_ROBIN load balancer does it.
 *
 * Implements: Envoy `RoundRobinLoadBalancer`
 * (source/extensions/load_balancing_policies/round_robin/round_robin_lb.h) on top of
 * `EdfLoadBalancerBase` (…/common/load_balancer_impl.cc); reference notes: balancers.md §1.2, B4.
 *
 * Variant, exactly:
 * - A seed is drawn once per balancer instance (Envoy `seed_ = random.random()`; here 32 bits).
 * - Unweighted path, when every weight is equal and no host is in slow start: the index starts
 *   at the seed and each pick returns `hosts[index++ % n]`. The index survives `setEndpoints`
 *   (Envoy's `rr_indexes_.insert` never overwrites it), so after a change the rotation resumes
 *   at `index % n_new`, not at the first host.
 * - Weighted path, when weights differ and n ≥ 2: Envoy's EDF scheduler, rebuilt on every
 *   `setEndpoints` with `createWithPicks(seed)` (see _internals/edf-scheduler.ts). The weight is
 *   the endpoint's static weight. The unweighted index does not advance on weighted picks.
 * - Slow start (option `slowStart`, Envoy `slow_start_config`; _internals/slow-start.ts): while
 *   a host is in its window at rebuild time the EDF path is taken even with equal weights, and
 *   each host's weight is scaled by the slow-start factor at pick time.
 * - Priorities, localities and panic (balancers.md §1.8–1.11) are envoy-host-selection/'s, which
 *   `createBalancer` wraps around this class; used alone it balances over every endpoint given.
 *   Not modelled: preconnect peeking.
 *
 * - `updateEndpoints` (the contract's incremental path) changes the sorted slots in place
 *   (_internals/endpoint-slots.ts) and then does what `setEndpoints` does after the copy: the
 *   cursor is re-derived from the index, and the EDF scheduler, if weighted, is rebuilt.
 *
 * Complexity: pick O(1) unweighted, O(log n) weighted; setEndpoints O(n) unweighted,
 * O(n log n) weighted; updateEndpoints a memmove unweighted, O(n log n) weighted (Envoy rebuilds
 * the scheduler on every host-set change). pick allocates nothing.
 */
import { EndpointSlots } from './_internals/endpoint-slots.js';
import { EdfScheduler } from './_internals/edf-scheduler.js';
import { drawSeed } from './_internals/random-draws.js';
import { toSlowStart, type SlowStart, type SlowStartOptions } from './_internals/slow-start.js';
import type { Balancer, BalancerDeps, Endpoint, PickContext } from './types.js';

export interface RoundRobinOptions {
  /** Envoy slow start: options, or a tracker shared with the caller's other balancers. */
  readonly slowStart?: SlowStartOptions | SlowStart | undefined;
}

export class RoundRobinBalancer implements Balancer {
  private readonly slots: EndpointSlots;
  /** The slots' arrays and length, read by pick (re-read after every change). */
  private ids = new Int32Array(0);
  private weights = new Float64Array(0);
  private n = 0;
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
  private readonly scheduler: EdfScheduler;
  private readonly slowStart: SlowStart | null;
  /** Slot → the start of its slow-start window (NaN: none); kept only with slow start. */
  private windowStarts = new Float64Array(0);

  constructor(deps: BalancerDeps, options: RoundRobinOptions = {}) {
    this.seed = drawSeed(deps.random);
    this.index = this.seed;
    const slowStart = toSlowStart(options.slowStart, deps.now);
    this.slowStart = slowStart;
    this.slots = new EndpointSlots(slowStart !== null);
    // Chosen once, so the weight function of a balancer without slow start stays a plain read;
    // with slow start it is Envoy's `hostWeight`, written as one flat call (see SlowStart.weightAt).
    const now = deps.now;
    this.scheduler = new EdfScheduler(
      slowStart === null
        ? (slot) => this.weights[slot]!
        : (slot) => slowStart.weightAt(this.weights[slot]!, this.windowStarts[slot]!, now()),
    );
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.slots.assign(endpoints, this.slowStart);
    this.rebuild();
  }

  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    this.slots.update(changed, removed, this.slowStart);
    this.rebuild();
  }

  forgetEndpoints(ids: readonly number[]): void {
    this.slowStart?.forget(ids.filter((id) => this.slots.indexOf(id) < 0));
  }

  /** What follows a change of the slots, whichever way they changed. */
  private rebuild(): void {
    const slots = this.slots;
    this.ids = slots.ids;
    this.weights = slots.weights;
    if (slots.extra !== null) this.windowStarts = slots.extra;
    const n = slots.length;
    this.n = n;
    this.cursor = n === 0 ? 0 : this.index % n;
    this.weighted = slots.needsEdf(this.slowStart);
    this.scheduler.rebuild(this.weighted ? n : 0, this.seed);
  }

  pick(_ctx: PickContext): number {
    const n = this.n;
    if (n === 0) return -1;
    if (this.weighted) return this.ids[this.scheduler.pick()]!;
    const id = this.ids[this.cursor]!;
    this.index++;
    this.cursor = this.cursor + 1 === n ? 0 : this.cursor + 1;
    return id;
  }
}
