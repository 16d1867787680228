/**
 * gRPC `weighted_round_robin`: weights learnt from the endpoints' own load reports.
 *
 * Implements: gRFC A58 (grpc/proposal A58-client-side-weighted-round-robin-lb-policy.md
 * @04cfd9ec) as grpc-java `WeightedRoundRobinLoadBalancer` does it
 * (xds/src/main/java/io/grpc/xds/WeightedRoundRobinLoadBalancer.java @002b4952): per-endpoint
 * weights from ORCA reports, a StaticStrideScheduler rebuilt every weight update period;
 * reference notes: balancers.md §4 and B15.
 *
 * Variant, exactly:
 * - A report `{utilization, qps, eps}` (`onBackendReport`, the simulator's per-response
 *   report) sets the endpoint's weight to `qps / (utilization + eps/qps · penalty)` when
 *   utilization > 0 and qps > 0 (the penalty term only when eps > 0 and penalty > 0);
 *   otherwise it is ignored. The first such report starts `nonEmptySince`; every one sets
 *   `lastUpdated`. (gRPC prefers application utilisation over CPU utilisation; the simulator
 *   reports one busy fraction.)
 * - The weight used at an update at time T: 0 if `T − lastUpdated ≥ weightExpirationPeriod`
 *   (and `nonEmptySince` is forgotten), 0 if `T − nonEmptySince < blackoutPeriod` (blackout
 *   > 0), else the last reported weight. Unknown (0) weights get the mean of the known ones in
 *   the scheduler; with fewer than two known weights the policy is round robin.
 * - Weights are Java floats in the scheduler (float32); see _internals/static-stride-scheduler.ts.
 * - Updates happen every `weightUpdatePeriod` (at least 100 ms) of the injected clock, on the
 *   grid that starts at the last `setEndpoints` (gRPC restarts its timer when addresses
 *   change, and builds a new picker at once). They are computed lazily, at the first pick or
 *   report at or after a grid point, with time T = that grid point and before that report
 *   applies: the result is what a timer would have produced.
 * - Only READY endpoints are picked: here those with `healthy !== false`. Weight state is kept
 *   per id across `setEndpoints`; an endpoint that becomes healthy again restarts its blackout
 *   (gRPC resets `nonEmptySince` when a subchannel becomes READY). Endpoint `weight` and
 *   `priority` are ignored, as gRPC's policy has neither.
 * - `enableOobLoadReport`: gRPC then ignores per-request reports and listens to an
 *   out-of-band stream every `oobReportingPeriod`. The simulator has no such stream; here a
 *   response's report is taken only if the endpoint's previous accepted report is at least a
 *   period old, so an endpoint that gets no traffic sends no reports (a real OOB stream would).
 * - The shared sequence starts at a 32-bit seed drawn once (grpc-java `random.nextInt()`).
 * - Endpoint changes: gRPC builds a new picker (a new StaticStrideScheduler over every READY
 *   endpoint) and restarts its weight-update timer whenever the address list or a subchannel's
 *   state changes, and that rebuild decides the picks (the grid, the scheduler), so there is no
 *   `updateEndpoints`: a change costs a rebuild through endpointUpdater, 0.23–0.39 ms at 1024
 *   and 3.0–5.7 ms at 8192 endpoints measured (bench/endpoint-updates.ts).
 *
 * Complexity: pick O(1) expected (the stride scheduler), plus an O(n) rebuild once per update
 * period; onBackendReport O(1) (one Map lookup). pick and onBackendReport allocate nothing.
 */
import { GRPC_WRR_MIN_UPDATE_PERIOD_MS, type GrpcWeightedRoundRobinConfig } from './feedback-configs.js';
import { copyEndpoints } from './_internals/endpoint-arrays.js';
import { drawSeed } from './_internals/random-draws.js';
import { StaticStrideScheduler } from './_internals/static-stride-scheduler.js';
import type { BackendReport, Balancer, BalancerDeps, Endpoint, PickContext } from './types.js';

/** The config without its `kind`. */
export type GrpcWeightedRoundRobinOptions = Omit<GrpcWeightedRoundRobinConfig, 'kind'>;

export class GrpcWeightedRoundRobinBalancer implements Balancer {
  readonly blackoutPeriodMs: number;
  readonly weightExpirationPeriodMs: number;
  readonly weightUpdatePeriodMs: number;
  readonly errorUtilizationPenalty: number;
  readonly enableOobLoadReport: boolean;
  readonly oobReportingPeriodMs: number;
  private readonly now: () => number;
  private readonly scheduler: StaticStrideScheduler;

  // Per endpoint of the current set, by slot.
  private ids = new Int32Array(0);
  private readonly slotOf = new Map<number, number>();
  private weight = new Float64Array(0);
  private nonEmptySince = new Float64Array(0);
  private lastUpdated = new Float64Array(0);
  private lastAcceptedReport = new Float64Array(0);
  private ready = new Uint8Array(0);

  /** The picker's list: slots of READY endpoints, in endpoint order. */
  private readySlots = new Int32Array(0);
  private schedulerWeights = new Float32Array(0);
  private nextUpdateAt = Infinity;

  constructor(deps: BalancerDeps, options: GrpcWeightedRoundRobinOptions) {
    const { blackoutPeriodMs, weightExpirationPeriodMs, weightUpdatePeriodMs, errorUtilizationPenalty, oobReportingPeriodMs } =
      options;
    for (const [name, value, min] of [
      ['blackoutPeriodMs', blackoutPeriodMs, 0],
      ['errorUtilizationPenalty', errorUtilizationPenalty, 0],
    ] as const) {
      if (!(value >= min && value < Infinity)) throw new RangeError(`grpc_weighted_round_robin ${name} must be finite and ≥ ${min}, got ${value}`);
    }
    for (const [name, value] of [
      ['weightExpirationPeriodMs', weightExpirationPeriodMs],
      ['weightUpdatePeriodMs', weightUpdatePeriodMs],
      ['oobReportingPeriodMs', oobReportingPeriodMs],
    ] as const) {
      if (!(value > 0 && value < Infinity)) throw new RangeError(`grpc_weighted_round_robin ${name} must be finite and positive, got ${value}`);
    }
    this.blackoutPeriodMs = blackoutPeriodMs;
    this.weightExpirationPeriodMs = weightExpirationPeriodMs;
    this.weightUpdatePeriodMs = Math.max(GRPC_WRR_MIN_UPDATE_PERIOD_MS, weightUpdatePeriodMs);
    this.errorUtilizationPenalty = errorUtilizationPenalty;
    this.enableOobLoadReport = options.enableOobLoadReport;
    this.oobReportingPeriodMs = oobReportingPeriodMs;
    this.now = deps.now;
    this.scheduler = new StaticStrideScheduler(drawSeed(deps.random));
  }

  setEndpoints(endpoints: readonly Endpoint[]): void {
    const { ids } = copyEndpoints(endpoints);
    const n = ids.length;
    const weight = new Float64Array(n);
    const nonEmptySince = new Float64Array(n).fill(Infinity);
    const lastUpdated = new Float64Array(n).fill(-Infinity);
    const lastAcceptedReport = new Float64Array(n).fill(-Infinity);
    const ready = new Uint8Array(n);
    const readySlots: number[] = [];
    for (let slot = 0; slot < n; slot++) {
      const isReady = endpoints[slot]!.healthy !== false;
      ready[slot] = isReady ? 1 : 0;
      if (isReady) readySlots.push(slot);
      const previous = this.slotOf.get(ids[slot]!);
      if (previous === undefined) continue;
      weight[slot] = this.weight[previous]!;
      lastUpdated[slot] = this.lastUpdated[previous]!;
      lastAcceptedReport[slot] = this.lastAcceptedReport[previous]!;
      // READY again after not being READY: gRPC restarts the blackout.
      nonEmptySince[slot] = isReady && this.ready[previous] === 0 ? Infinity : this.nonEmptySince[previous]!;
    }
    this.slotOf.clear();
    ids.forEach((id, slot) => this.slotOf.set(id, slot));
    this.ids = ids;
    this.weight = weight;
    this.nonEmptySince = nonEmptySince;
    this.lastUpdated = lastUpdated;
    this.lastAcceptedReport = lastAcceptedReport;
    this.ready = ready;
    this.readySlots = Int32Array.from(readySlots);
    this.schedulerWeights = new Float32Array(readySlots.length);
    const now = this.now();
    this.updateWeights(now);
    this.nextUpdateAt = now + this.weightUpdatePeriodMs;
  }

  pick(_ctx: PickContext): number {
    if (this.readySlots.length === 0) return -1;
    const now = this.now();
    if (now >= this.nextUpdateAt) this.catchUp(now);
    return this.ids[this.readySlots[this.scheduler.pick()]!]!;
  }

  onBackendReport(id: number, report: BackendReport): void {
    const now = this.now();
    // A scheduled update due before this report must not see it.
    if (now >= this.nextUpdateAt) this.catchUp(now);
    const slot = this.slotOf.get(id);
    if (slot === undefined) return;
    if (this.enableOobLoadReport) {
      if (now - this.lastAcceptedReport[slot]! < this.oobReportingPeriodMs) return;
      this.lastAcceptedReport[slot] = now;
    }
    const { utilization, qps, eps } = report;
    let newWeight = 0;
    if (utilization > 0 && qps > 0) {
      const penalty = eps > 0 && this.errorUtilizationPenalty > 0 ? (eps / qps) * this.errorUtilizationPenalty : 0;
      newWeight = qps / (utilization + penalty);
    }
    if (newWeight === 0) return;
    if (this.nonEmptySince[slot] === Infinity) this.nonEmptySince[slot] = now;
    this.lastUpdated[slot] = now;
    this.weight[slot] = newWeight;
  }

  /** The weight an update at the current time would use for `id` (0: unknown); NaN if `id` is not in the set. */
  weightOf(id: number): number {
    const slot = this.slotOf.get(id);
    return slot === undefined ? Number.NaN : this.currentWeight(slot, this.now(), false);
  }

  /** The scaled weights the next pick uses, READY endpoints in endpoint order (for tests and reports). */
  scaledWeights(): number[] {
    const now = this.now();
    if (now >= this.nextUpdateAt) this.catchUp(now);
    return this.scheduler.scaledWeights();
  }

  /** Runs the last update due by `now` (earlier missed ones would be overwritten by it). */
  private catchUp(now: number): void {
    const period = this.weightUpdatePeriodMs;
    const due = this.nextUpdateAt + Math.floor((now - this.nextUpdateAt) / period) * period;
    this.updateWeights(due);
    this.nextUpdateAt = due + period;
  }

  /** grpc-java `WeightedRoundRobinPicker.updateWeight` at time `t`. */
  private updateWeights(t: number): void {
    const { readySlots, schedulerWeights } = this;
    for (let i = 0; i < readySlots.length; i++) {
      const weight = this.currentWeight(readySlots[i]!, t, true);
      schedulerWeights[i] = weight > 0 ? weight : 0;
    }
    this.scheduler.rebuild(schedulerWeights, readySlots.length);
  }

  /** grpc-java `WrrSubchannel.getWeight`; `expire` applies its side effect on expiry. */
  private currentWeight(slot: number, t: number, expire: boolean): number {
    if (t - this.lastUpdated[slot]! >= this.weightExpirationPeriodMs) {
      if (expire) this.nonEmptySince[slot] = Infinity;
      return 0;
    }
    if (this.blackoutPeriodMs > 0 && t - this.nonEmptySince[slot]! < this.blackoutPeriodMs) return 0;
    return this.weight[slot]!;
  }
}
