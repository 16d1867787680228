/**
 * The load each instance reports about itself with its responses (gRPC ORCA-style): the
 * recent busy fraction of its servers and its recent response and error rates, as
 * exponentially weighted time averages with a one-second time constant (a typical CPU
 * utilisation sampling horizon).
 *
 * Busy fraction: an exponentially weighted time average of busy/concurrency, updated at every
 * change, exact for a piecewise-constant signal: u ← u·e^(−Δ/τ) + b·(1 − e^(−Δ/τ)).
 * Rates: an exponentially decayed event count, r ← r·e^(−Δ/τ) + 1/τ per event, which is an
 * unbiased estimate of a constant rate once t ≫ τ.
 *
 * Kept only when some balancer reads reports, so other runs pay nothing for it.
 */
import type { BackendReport } from '../balancers/types.js';

const TAU_MS = 1000;

export class InstanceLoadReports {
  private readonly utilization: Float64Array;
  private readonly responseRate: Float64Array;
  private readonly updatedAt: Float64Array;
  private readonly rateUpdatedAt: Float64Array;
  /** Reused for every report, so reporting allocates nothing; valid during the callback only. */
  private readonly scratch = { utilization: 0, qps: 0, eps: 0 };

  constructor(
    instances: number,
    private readonly concurrency: number,
  ) {
    this.utilization = new Float64Array(instances);
    this.responseRate = new Float64Array(instances);
    this.updatedAt = new Float64Array(instances);
    this.rateUpdatedAt = new Float64Array(instances);
  }

  /** Called just before `busy` (the value until now) changes. */
  busyChanged(instance: number, busy: number, now: number): void {
    const decay = Math.exp(-(now - this.updatedAt[instance]!) / TAU_MS);
    this.utilization[instance] = this.utilization[instance]! * decay + (busy / this.concurrency) * (1 - decay);
    this.updatedAt[instance] = now;
  }

  /** A response left `instance`; `busy` is its busy count until now. */
  completed(instance: number, busy: number, now: number): void {
    this.busyChanged(instance, busy, now);
    const decay = Math.exp(-(now - this.rateUpdatedAt[instance]!) / TAU_MS);
    this.responseRate[instance] = this.responseRate[instance]! * decay + 1 / TAU_MS;
    this.rateUpdatedAt[instance] = now;
  }

  /**
   * The report as of `now`; `busy` is the current busy count. The returned object is reused:
   * a balancer copies what it keeps.
   */
  report(instance: number, busy: number, now: number): BackendReport {
    this.busyChanged(instance, busy, now);
    const decay = Math.exp(-(now - this.rateUpdatedAt[instance]!) / TAU_MS);
    this.scratch.utilization = this.utilization[instance]!;
    this.scratch.qps = this.responseRate[instance]! * decay * 1000;
    // No error responses exist before faults are modelled: eps is 0 until then.
    this.scratch.eps = 0;
    return this.scratch;
  }
}
