/**
 * The HPA controller's loop around one HorizontalPodAutoscaler: a reconcile every sync period
 * (15 s) on a fixed grid, reading the target and the pod metrics at that instant and setting
 * the target's replicas when it decides to rescale. The grid's phase is the caller's (the
 * reference's advice: a random phase per HPA).
 *
 * Complexity: that of `HorizontalPodAutoscaler.reconcile` per sync.
 */
import type { TimedModel } from '../engine/timed-model.js';
import type { HorizontalPodAutoscaler, HpaDecision, HpaObservation } from './hpa.js';

export class HpaController implements TimedModel {
  private nextSync: number;
  private readonly log: HpaDecision[] = [];
  private lastTime = -Infinity;

  constructor(
    readonly hpa: HorizontalPodAutoscaler,
    readonly syncPeriod: number,
    firstSyncAt: number,
    private readonly observe: (now: number) => HpaObservation,
    private readonly scale: (replicas: number, now: number) => void,
  ) {
    if (!(syncPeriod > 0 && Number.isFinite(syncPeriod))) throw new RangeError(`hpa controller: syncPeriod must be positive, got ${syncPeriod}`);
    this.nextSync = firstSyncAt;
  }

  /** Every reconcile so far. */
  decisions(): readonly HpaDecision[] {
    return this.log;
  }

  nextDue(): number {
    return this.nextSync;
  }

  advance(now: number): void {
    if (!(now >= this.lastTime)) throw new RangeError(`hpa controller: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
    while (this.nextSync <= now) {
      const t = this.nextSync;
      this.nextSync += this.syncPeriod;
      const decision = this.hpa.reconcile(t, this.observe(t));
      this.log.push(decision);
      if (decision.rescale) this.scale(decision.desired, t);
    }
  }
}
