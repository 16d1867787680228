/**
 * Peak EWMA, as Linkerd's proxy balances: tower's power-of-two-choices balancer over the
 * peak-EWMA load metric.
 *
 * Implements: tower `balance::p2c::Balance::p2c_ready_index` (tower/src/balance/p2c/service.rs
 * @1467321f) over `load::PeakEwma` (tower/src/load/peak_ewma.rs @00329237, here
 * src/load/peak-ewma.ts), with Linkerd's constants (linkerd2-proxy `EWMA_DEFAULT_RTT = 30 ms`,
 * `EWMA_DECAY = 10 s`); reference notes: balancers.md §2, B11.
 *
 * Variant, exactly:
 * - 0 endpoints: none (tower returns Pending). 1: that one, drawing nothing.
 * - Otherwise two DISTINCT indices by `rand::seq::index::sample(rng, n, 2)`: Floyd's algorithm,
 *   `t = rand(0..n−1)`, `u = rand(0..n)`, sample [t, u], or [n − 1, t] when u = t. Loads are read
 *   in that order (each read decays that endpoint's estimate to now), and the first wins ties:
 *   `load(a) <= load(b) ? a : b`. Every ordered pair has probability 1/(n(n−1)).
 * - Load = `Cost`: the peak-EWMA RTT estimate × (pending + 1), pending being the caller's own
 *   in-flight count (`deps.load.active`), as tower counts live request handles.
 * - The estimate learns from `onComplete`, successes and failures alike: tower's handle is
 *   dropped, and its RTT recorded, whenever the response future ends, error or timeout included.
 * - New endpoints start at `defaultRttMs` from the moment they are first set, and an estimate
 *   decays toward 0 while the endpoint is not chosen, so slow hosts are probed again and new
 *   ones get traffic (the fix of tower PR #134 / linkerd2-proxy PR #167). Endpoints that stay
 *   across `setEndpoints` keep their estimate.
 * - Endpoint changes (`updateEndpoints`): tower's balancer is incremental too. Discovery
 *   changes reach `p2c::Balance` one at a time (`Change::Insert` / `Change::Remove`), and its
 *   ReadyCache inserts into, or `swap_remove`s from, an IndexMap, O(1) per change; the
 *   surviving services keep their load. Here a change opens or closes one slot of the sorted
 *   set (a memmove, the Balancer contract's ascending-id order, so picks equal a rebuild's),
 *   and a joining endpoint starts at `defaultRttMs` exactly as in a rebuild. Only membership
 *   matters: a weight, zone or priority change leaves the balancer as it is.
 * - Only ready endpoints are candidates: the caller passes the healthy ones (`healthAware` is
 *   not set). Weights are ignored: tower's P2C has none (tower#696).
 *
 * Complexity: pick O(1), two draws, two `exp` evaluations, no allocation; onComplete O(log n)
 * (a binary search over the ids, a Map lookup when set in another order); setEndpoints O(n);
 * updateEndpoints O(k log n) plus a memmove of up to n slots per joining or leaving endpoint.
 */
import type { PeakEwmaConfig } from './load-aware-configs.js';
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { checkUpdate } from './_internals/endpoint-slots.js';
import type { Balancer, BalancerDeps, Endpoint, LoadView, PickContext, RandomSource } from './types.js';
import { PeakEwma } from '../load/peak-ewma.js';

/** The config without its `kind` (a whole PeakEwmaConfig also fits). */
export type PeakEwmaOptions = Omit<PeakEwmaConfig, 'kind'>;

export class PeakEwmaBalancer implements Balancer {
  /** The RTT estimates, readable by callers and tests (tower exposes them as `Load`). */
  readonly rtt: PeakEwma;
  private readonly random: RandomSource;
  private readonly load: LoadView;
  /** The two sampled slots of the current pick (reused). */
  private readonly pair = new Int32Array(2);

  constructor(deps: BalancerDeps, options: PeakEwmaOptions) {
    if (!(options.defaultRttMs > 0)) throw new RangeError(`peak_ewma defaultRttMs must be > 0, got ${options.defaultRttMs}`);
    this.rtt = new PeakEwma({ defaultRttMs: options.defaultRttMs, decayMs: options.decayMs }, deps.now);
    this.random = deps.random;
    this.load = deps.load;
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.rtt.track(copyEndpoints(endpoints).ids);
  }

  /** The contract's incremental update: one slot per joining or leaving endpoint. */
  updateEndpoints(changed: readonly Endpoint[], removed: readonly number[]): void {
    checkUpdate(changed, removed);
    // A rebuild takes the set in ascending id order, even with both lists empty.
    this.rtt.sortById();
    for (const id of removed) this.rtt.forget(id);
    for (const endpoint of changed) this.rtt.add(endpoint.id);
  }

  pick(_ctx: PickContext): number {
    const { rtt, load } = this;
    const n = rtt.size;
    const ids = rtt.ids;
    if (n === 0) return -1;
    if (n === 1) return ids[0]!;
    const pair = this.drawPair(n);
    const a = pair[0]!;
    const b = pair[1]!;
    return ids[this.rtt.costAtMost(a, load.active(ids[a]!), b, load.active(ids[b]!)) ? a : b]!;
  }

  /**
   * rand::seq::index::sample(rng, n, 2), Floyd's algorithm with its shuffle (rand
   * `sample_floyd`): t = rand(0..n−1), then u = rand(0..n); the sample is [t, u], or [n − 1, t]
   * when u = t. A small leaf that writes integers: the draws' doubles never cross a call
   * boundary, however V8 inlines (a double returned from a call it does not inline is boxed).
   */
  private drawPair(n: number): Int32Array {
    const pair = this.pair;
    const t = Math.floor(this.random.next() * (n - 1));
    const u = Math.floor(this.random.next() * n);
    pair[0] = u === t ? n - 1 : t;
    pair[1] = u === t ? t : u;
    return pair;
  }

  onComplete(id: number, rttMs: number, _ok: boolean): void {
    this.rtt.observe(id, rttMs);
  }

  /** tower `Load::load` of the endpoint in `slot`. */
  cost(slot: number): number {
    return this.rtt.cost(slot, this.load.active(this.rtt.ids[slot]!));
  }
}
