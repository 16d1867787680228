/**
 * Finagle's random aperture: P2C within a window ("aperture") of a per-client random order of
 * the endpoints, the window sized by a load band on the client's smoothed offered load.
 *
 * Implements: finagle-core/.../loadbalancer/aperture/RandomAperture.scala (order, bound),
 * BaseDist.scala (aperture bounds, `adjust`, rebuild), LoadBand.scala (`adjustTotalLoad`),
 * util/Ema.scala, ApertureLeastLoaded.scala / AperturePeakEwma.scala (load metrics), with
 * the pick of P2CPick.scala / Balancer.scala (_internals/finagle-balancer.ts); defaults of
 * `Balancers.aperture()` in current Finagle (Balancers.scala @a5004ecc); reference notes:
 * balancers.md §3, B13.
 *
 * Variant, exactly:
 * - Order: every node draws a random 32-bit `token` when it is created (`rng.nextInt()`); the
 *   vector is sorted by token (stable), then stably partitioned Open before Closed (healthy
 *   first). The order survives updates that keep the same nodes.
 * - Picks: P2C (two distinct nodes, lower load, ties to the second, unhealthy re-picked up to
 *   `maxEffort` times) over the first `logicalAperture` positions; an aperture of 1 returns
 *   the head without drawing.
 * - Aperture bounds: min = min(minAperture, n), max = n. Every rebuild (a change of members,
 *   or a panic after `maxEffort` unhealthy picks) re-sorts and restarts the aperture at 1,
 *   clamped to [min, max] (Finagle passes `initAperture = 1` from its first, empty
 *   distributor to every rebuilt one). An update that keeps the same nodes rebuilds nothing.
 * - Load band (LoadBand.scala): on every request start (after its pick) and every end, the
 *   client's outstanding total moves by ±1 and feeds an EMA over `smoothWinMs`
 *   (`ema = total·(1 − w) + ema·w`, `w = exp(−Δt/smoothWin)`, the first update taking the
 *   value as is). Then, with `avg = ema / logicalAperture`: `avg ≥ highLoad` and room →
 *   widen by 1; else `avg ≤ lowLoad` and above min → narrow by 1. The total and its EMA belong
 *   to the balancer and survive rebuilds.
 * - Defaults (current `Balancers.aperture`): smoothWin 15 s, lowLoad 0.875, highLoad 1.125,
 *   minAperture 1. (Older Finagle defaulted to 5 s / 0.5 / 2.0.)
 * - Load: `least_loaded` (ApertureLeastLoaded) = outstanding requests; `peak_ewma`
 *   (AperturePeakEwma) = Finagle's peak-EWMA cost with decayTime = smoothWin, as
 *   `Balancers.aperturePeakEwma` couples them.
 * - Not modelled: deterministic aperture (needs a ProcessCoordinate), eager connections,
 *   endpoint expiry, weights.
 * - The total counts picks and `onComplete` calls, so callers must report every end (the
 *   simulator does); it is kept at ≥ 0.
 *
 * - Endpoint changes (`updateEndpoints`): a status change keeps the order, as a rebuild with
 *   the same nodes does (O(log n)); a node joining or leaving rebuilds the order, as Finagle
 *   does on every update that changes the nodes (O(n log n)); the effect is that of
 *   `setEndpoints` with the set in ascending id order, new nodes drawing their tokens in id order.
 *
 * Complexity: pick O(1) expected plus one `exp` for the EMA, no allocation; onComplete O(log n);
 * setEndpoints and updateEndpoints O(n log n) when members change, setEndpoints O(n) and
 * updateEndpoints O(k log n) otherwise.
 */
import type { FinagleApertureConfig } from './load-aware-configs.js';
import { FinagleBalancer, sameMembers } from './_internals/finagle-balancer.js';
import type { BalancerDeps } from './types.js';
import { PeakEwma } from '../load/peak-ewma.js';

/** The config without its `kind` (a whole FinagleApertureConfig also fits). */
export type FinagleApertureOptions = Omit<FinagleApertureConfig, 'kind'>;

/** Finagle's first distributor is `EmptyVector(initAperture = 1)`; every rebuild inherits it. */
const INIT_APERTURE = 1;
/** Indices into the load band's state. */
const EMA = 0;
const EMA_TIME = 1;

export class FinagleApertureBalancer extends FinagleBalancer {
  readonly loadMetric: FinagleApertureConfig['load'];
  readonly smoothWinMs: number;
  readonly lowLoad: number;
  readonly highLoad: number;
  readonly minAperture: number;
  /** Peak-EWMA estimates when `load` is `peak_ewma`, else null. */
  readonly rtt: PeakEwma | null;
  private readonly now: () => number;
  /** Id → token for the current nodes (Finagle `ApertureNode.token`). */
  private tokens = new Map<number, number>();
  /** Ids in vector order, to carry the order over an update that keeps the same nodes. */
  private orderIds = new Int32Array(0);
  private aperture = 0;
  /** LoadBand state: outstanding requests. */
  private total = 0;
  /**
   * The EMA of `total` and the time of its last update (Ema.scala; the time is NaN until the
   * first update). In a typed array so that updating them never boxes a double.
   */
  private readonly band = Float64Array.of(0, Number.NaN);

  constructor(deps: BalancerDeps, options: FinagleApertureOptions) {
    super(deps, options.maxEffort, 'finagle_aperture');
    const { load, smoothWinMs, lowLoad, highLoad, minAperture } = options;
    if (load !== 'least_loaded' && load !== 'peak_ewma') throw new RangeError(`finagle_aperture load must be 'least_loaded' or 'peak_ewma', got ${String(load)}`);
    if (!(smoothWinMs > 0 && smoothWinMs < Infinity)) throw new RangeError(`finagle_aperture smoothWinMs must be finite and > 0, got ${smoothWinMs}`);
    if (!(lowLoad >= 0 && lowLoad < highLoad && highLoad < Infinity)) {
      throw new RangeError(`finagle_aperture needs 0 ≤ lowLoad < highLoad, got ${lowLoad} and ${highLoad}`);
    }
    // ApertureLeastLoaded: require(minAperture > 0).
    if (!Number.isSafeInteger(minAperture) || minAperture < 1) throw new RangeError(`finagle_aperture minAperture must be an integer ≥ 1, got ${minAperture}`);
    this.loadMetric = load;
    this.smoothWinMs = smoothWinMs;
    this.lowLoad = lowLoad;
    this.highLoad = highLoad;
    this.minAperture = minAperture;
    this.now = deps.now;
    this.rtt = load === 'peak_ewma' ? new PeakEwma({ defaultRttMs: 0, decayMs: smoothWinMs }, deps.now) : null;
  }

  /** The current logical aperture: how many nodes, from the head of the order, picks draw from. */
  get logicalAperture(): number {
    return this.aperture;
  }

  /** The smoothed offered load (outstanding requests) the load band compares. */
  get offeredLoad(): number {
    return this.band[EMA]!;
  }

  /** The endpoint ids in the aperture's order (its first `logicalAperture` are the window). */
  vectorOrder(): number[] {
    return Array.from(this.order.subarray(0, this.size), (slot) => this.ids[slot]!);
  }

  /** LoadBandNode.apply: the node that was picked takes the request. */
  protected override picked(): void {
    this.adjustTotalLoad(1);
  }

  onComplete(id: number, rttMs: number, _ok: boolean): void {
    this.rtt?.observe(id, rttMs);
    if (this.total > 0) this.adjustTotalLoad(-1);
  }

  protected override lessLoaded(a: number, b: number): boolean {
    const { ids, load } = this;
    const pendingA = load.active(ids[a]!);
    const pendingB = load.active(ids[b]!);
    return this.rtt === null ? pendingA < pendingB : this.rtt.finagleLess(a, pendingA, b, pendingB);
  }

  protected override bound(): number {
    return this.aperture;
  }

  protected override endpointsSet(previous: Int32Array): void {
    const ids = this.ids.subarray(0, this.size);
    this.rtt?.track(ids);
    const n = ids.length;
    if (n > 0 && previous.length > 0 && sameMembers(previous, ids)) {
      // Same nodes: Finagle's update does not rebuild. Keep the order (slots may be renumbered).
      const slotOf = new Map<number, number>();
      for (let slot = 0; slot < n; slot++) slotOf.set(ids[slot]!, slot);
      this.order = Int32Array.from(this.orderIds, (id) => slotOf.get(id)!);
      return;
    }
    this.newDistributor();
  }

  protected override slotOpened(id: number): void {
    this.rtt?.add(id);
  }

  protected override slotClosed(id: number): void {
    this.rtt?.forget(id);
  }

  /** As `endpointsSet` decides: the same nodes keep their order (their slots did not move). */
  protected override endpointsUpdated(membersChanged: boolean): void {
    if (membersChanged || this.size === 0) this.newDistributor();
  }

  /** Finagle's rebuild for a new set of nodes: tokens kept for nodes that stay, drawn in slot order for new ones. */
  private newDistributor(): void {
    const tokens = new Map<number, number>();
    for (let slot = 0; slot < this.size; slot++) {
      const id = this.ids[slot]!;
      tokens.set(id, this.tokens.get(id) ?? this.drawToken());
    }
    this.tokens = tokens;
    this.rebuild();
  }

  protected override panicRebuild(): void {
    this.rebuild();
  }

  /** A new RandomAperture: token order, healthy first, aperture back to 1 within [min, max]. */
  private rebuild(): void {
    const { ids, open, tokens } = this;
    const n = this.size;
    const byToken = Array.from({ length: n }, (_, slot) => slot);
    byToken.sort((a, b) => tokens.get(ids[a]!)! - tokens.get(ids[b]!)! || a - b);
    const order = new Int32Array(n);
    let position = 0;
    for (const slot of byToken) if (open[slot] === 1) order[position++] = slot;
    for (const slot of byToken) if (open[slot] === 0) order[position++] = slot;
    this.order = order;
    this.orderIds = Int32Array.from(order, (slot) => ids[slot]!);
    this.aperture = Math.max(Math.min(this.minAperture, n), Math.min(n, INIT_APERTURE));
  }

  /** `rng.nextInt()`: a uniform signed 32-bit integer. */
  private drawToken(): number {
    return Math.floor(this.random.next() * 2 ** 32) - 2 ** 31;
  }

  /** LoadBand.adjustTotalLoad. */
  private adjustTotalLoad(delta: number): void {
    const band = this.band;
    const total = (this.total += delta);
    const now = this.now();
    const last = band[EMA_TIME]!;
    // Ema.update: the first value is taken as is, which is the weight w = 0 on an EMA of 0.
    // (One formula for both cases keeps `ema` a double throughout: a merge of an integer and a
    // double would make V8 box it.)
    const w = Number.isNaN(last) ? 0 : Math.exp(-Math.max(0, now - last) / this.smoothWinMs);
    const ema = total * (1 - w) + band[EMA]! * w;
    band[EMA] = ema;
    // Ema.Monotime: time never goes backwards.
    if (!(now <= last)) band[EMA_TIME] = now;
    const n = this.size;
    const average = ema / this.aperture;
    if (average >= this.highLoad && this.aperture < n) this.aperture++;
    else if (average <= this.lowLoad && this.aperture > Math.min(this.minAperture, n)) this.aperture--;
  }


}
