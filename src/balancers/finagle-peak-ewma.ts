/**
 * Finagle's P2C over the peak-EWMA load: `Balancers.p2cPeakEwma()`.
 *
 * Implements: finagle-core/.../loadbalancer/p2c/P2CPeakEwma.scala with PeakEwma.scala as the
 * load (src/load/peak-ewma.ts, `finagleLoad`) and P2CPick.scala / Balancer.scala for the pick
 * (see _internals/finagle-balancer.ts); reference notes: balancers.md §3, B12.
 *
 * Variant, exactly (what differs from Linkerd's `peak_ewma`):
 * - The estimate starts at 0, not at a default RTT, stamped when the node is created.
 * - Load = `cost × (pending + 1)`, except a node with no latency history (cost exactly 0) and
 *   requests pending, which costs `Penalty + pending`, Penalty = Long.MaxValue >> 16: a new
 *   host takes one probe request and is then all but excluded until that request ends; an
 *   idle new host costs 0 and wins every comparison.
 * - Each load read first decays the estimate to now (`observe(0.0)`); `onComplete` observes
 *   the RTT of every ended request, success or failure (Finagle's `end` runs on close and on
 *   a failed session alike). decayTime defaults to 10 s.
 * - Pairs: two distinct nodes, the lower load wins with ties to the second; unhealthy nodes
 *   lose to healthy ones and are re-picked up to `maxEffort` (default 4) times.
 * - healthAware: the caller passes every endpoint with its health; weights are ignored.
 *
 * Complexity: pick O(1) expected, two `exp` per attempt, no allocation; onComplete O(log n);
 * setEndpoints O(n); updateEndpoints a memmove per joining or leaving node (FinagleBalancer),
 * estimates kept as in Finagle, where they live in the nodes that survive a rebuild.
 */
import type { FinaglePeakEwmaConfig } from './load-aware-configs.js';
import { FinagleBalancer } from './_internals/finagle-balancer.js';
import type { BalancerDeps } from './types.js';
import { PeakEwma } from '../load/peak-ewma.js';

/** The config without its `kind` (a whole FinaglePeakEwmaConfig also fits). */
export type FinaglePeakEwmaOptions = Omit<FinaglePeakEwmaConfig, 'kind'>;

export class FinaglePeakEwmaBalancer extends FinagleBalancer {
  /** The per-node RTT estimates (Finagle's `Metric`), readable by callers and tests. */
  readonly rtt: PeakEwma;

  constructor(deps: BalancerDeps, options: FinaglePeakEwmaOptions) {
    super(deps, options.maxEffort, 'finagle_peak_ewma');
    this.rtt = new PeakEwma({ defaultRttMs: 0, decayMs: options.decayMs }, deps.now);
  }

  onComplete(id: number, rttMs: number, _ok: boolean): void {
    this.rtt.observe(id, rttMs);
  }

  protected override endpointsSet(previous: Int32Array): void {
    super.endpointsSet(previous);
    this.rtt.track(this.ids.subarray(0, this.size));
  }

  // The estimates follow the nodes' slots (both in ascending id order after an update).
  protected override slotOpened(id: number): void {
    this.rtt.add(id);
  }

  protected override slotClosed(id: number): void {
    this.rtt.forget(id);
  }

  protected override lessLoaded(a: number, b: number): boolean {
    const { ids, load } = this;
    return this.rtt.finagleLess(a, load.active(ids[a]!), b, load.active(ids[b]!));
  }
}
