/**
 * The Knative Pod Autoscaler (KPA): concurrency scraped every second into a 60 s stable and a
 * 6 s panic window, a decision every 2 s tick, panic mode that only ratchets up.
 *
 * Implements (knative/serving: pkg/autoscaler/scaling/autoscaler.go `Scale`; metrics collector
 * with 1 s buckets (aggregation/bucketing.go, timed-buckets.ts); config/core/configmaps/
 * autoscaler.yaml defaults; reference notes: discovery-and-control-plane.md §1.3, §2.6):
 * - target = containerConcurrency (0: the default target, 100) × target utilization (70 %).
 * - Each scrape records the revision's total concurrency (the sum of every pod's average
 *   concurrency over the last second) into both windows.
 * - Each tick: ready = max(1, ready pods); maxUp = ⌈maxScaleUpRate·ready⌉, maxDown =
 *   ⌊ready / maxScaleDownRate⌋; stable and panic desired = ⌈window average / target⌉ clamped to
 *   [maxDown, maxUp]. Over the panic threshold when ⌈panic average / target⌉ / ready ≥ 2.0:
 *   panic starts or is extended to now; panic ends when not over and the last crossing is
 *   more than a stable window ago (`panicTime + stableWindow < now`). In panic the desired
 *   count is max(stable, panic) and never below the highest panic desire so far
 *   (`maxPanicPods`); it resets when panic ends.
 * - Scale-down delay: the maximum desired count over the last `scaleDownDelay`.
 * - No data in the stable window: no decision (Knative's ErrNoData), the scale stays.
 * - The PodAutoscaler applies [minScale, maxScale] (maxScale 0: none) and takes the revision to
 *   zero only when scale to zero is enabled and the decision has been 0 for
 *   `scaleToZeroGracePeriod` (Knative waits that long for the activator to be in the path;
 *   its SKS mode switching and pod-retention period are not modelled); otherwise zero becomes 1.
 *
 * Not modelled: RPS metric, the scraper's sampling of a subset of pods, activation scale, the
 * excess-burst-capacity computation (the activator's place in the path), the
 * `reachable = false` case (maxDown 0).
 *
 * Complexity: O(1) amortised per scrape and per tick.
 */
import type { TimedModel } from '../engine/timed-model.js';
import { TimedBuckets } from './timed-buckets.js';

export interface KpaConfig {
  /** `container-concurrency-target-default` applies when 0 (unlimited). */
  readonly containerConcurrency: number;
  readonly containerConcurrencyTargetDefault: number;
  /** `container-concurrency-target-percentage` (70). */
  readonly targetUtilizationPercentage: number;
  /** `stable-window` (ms, 60 s; 6 s … 1 h). */
  readonly stableWindow: number;
  /** `panic-window-percentage` (10 → 6 s). */
  readonly panicWindowPercentage: number;
  /** `panic-threshold-percentage` (200). */
  readonly panicThresholdPercentage: number;
  /** `max-scale-up-rate` (1000) and `max-scale-down-rate` (2). */
  readonly maxScaleUpRate: number;
  readonly maxScaleDownRate: number;
  /** `tick-interval` (ms, 2 s). */
  readonly tickInterval: number;
  /** `scale-down-delay` (ms, 0). */
  readonly scaleDownDelay: number;
  /** `min-scale` / `max-scale` (0 / 0 = unbounded). */
  readonly minScale: number;
  readonly maxScale: number;
  /** `enable-scale-to-zero` (true) and `scale-to-zero-grace-period` (ms, 30 s). */
  readonly enableScaleToZero: boolean;
  readonly scaleToZeroGracePeriod: number;
}

export const KNATIVE_DEFAULTS: KpaConfig = Object.freeze({
  containerConcurrency: 0,
  containerConcurrencyTargetDefault: 100,
  targetUtilizationPercentage: 70,
  stableWindow: 60_000,
  panicWindowPercentage: 10,
  panicThresholdPercentage: 200,
  maxScaleUpRate: 1000,
  maxScaleDownRate: 2,
  tickInterval: 2000,
  scaleDownDelay: 0,
  minScale: 0,
  maxScale: 0,
  enableScaleToZero: true,
  scaleToZeroGracePeriod: 30_000,
});

/** Knative's scrape interval and bucket size. */
export const KNATIVE_SCRAPE_INTERVAL = 1000;

export interface KpaDecision {
  readonly time: number;
  /** False when the stable window had no data: the scale stays as it is. */
  readonly valid: boolean;
  readonly readyPods: number;
  readonly stableConcurrency: number;
  readonly panicConcurrency: number;
  readonly inPanic: boolean;
  /** The decider's desired count (Knative `DesiredPodCount`), after the scale-down delay. */
  readonly decided: number;
  /** What the revision is scaled to, after min/max scale and the scale-to-zero rule. */
  readonly desired: number;
}

export class KnativePodAutoscaler {
  private readonly stable: TimedBuckets;
  private readonly panic: TimedBuckets;
  private panicTime = Number.NaN;
  private maxPanicPods = 0;
  private readonly delayed: Array<{ time: number; value: number }> = [];
  private zeroSince = Number.NaN;

  constructor(readonly config: KpaConfig) {
    checkKpaConfig(config);
    const panicWindow = (config.stableWindow * config.panicWindowPercentage) / 100;
    this.stable = new TimedBuckets(config.stableWindow, KNATIVE_SCRAPE_INTERVAL);
    this.panic = new TimedBuckets(Math.max(KNATIVE_SCRAPE_INTERVAL, panicWindow), KNATIVE_SCRAPE_INTERVAL);
  }

  /** Concurrency per pod the autoscaler aims for. */
  get target(): number {
    const cc = this.config.containerConcurrency > 0 ? this.config.containerConcurrency : this.config.containerConcurrencyTargetDefault;
    return (cc * this.config.targetUtilizationPercentage) / 100;
  }

  get inPanic(): boolean {
    return !Number.isNaN(this.panicTime);
  }

  /** One scrape: the revision's total average concurrency over the last second. */
  record(now: number, totalConcurrency: number): void {
    this.stable.record(now, totalConcurrency);
    this.panic.record(now, totalConcurrency);
  }

  /** One tick with `readyPods` ready pods. */
  scale(now: number, readyPods: number): KpaDecision {
    const c = this.config;
    const ready = Math.max(1, readyPods);
    if (this.stable.isEmpty(now)) {
      return { time: now, valid: false, readyPods, stableConcurrency: 0, panicConcurrency: 0, inPanic: this.inPanic, decided: Number.NaN, desired: Number.NaN };
    }
    const stableValue = this.stable.windowAverage(now);
    const panicValue = this.panic.windowAverage(now);
    const maxUp = Math.ceil(c.maxScaleUpRate * ready);
    const maxDown = Math.floor(ready / c.maxScaleDownRate);
    const dspc = Math.ceil(stableValue / this.target);
    const dppc = Math.ceil(panicValue / this.target);
    const stableDesired = Math.trunc(Math.min(Math.max(dspc, maxDown), maxUp));
    const panicDesired = Math.trunc(Math.min(Math.max(dppc, maxDown), maxUp));
    const over = dppc / ready >= c.panicThresholdPercentage / 100;
    if (over) this.panicTime = now;
    else if (this.inPanic && this.panicTime + c.stableWindow < now) {
      this.panicTime = Number.NaN;
      this.maxPanicPods = 0;
    }
    let decided = stableDesired;
    if (this.inPanic) {
      decided = Math.max(decided, panicDesired, this.maxPanicPods);
      this.maxPanicPods = decided;
    }
    if (c.scaleDownDelay > 0) decided = this.delay(now, decided);
    return { time: now, valid: true, readyPods, stableConcurrency: stableValue, panicConcurrency: panicValue, inPanic: this.inPanic, decided, desired: this.bounds(now, decided) };
  }

  /** The maximum decision over the last `scaleDownDelay`. */
  private delay(now: number, value: number): number {
    this.delayed.push({ time: now, value });
    while (this.delayed.length > 0 && this.delayed[0]!.time <= now - this.config.scaleDownDelay) this.delayed.shift();
    return this.delayed.reduce((m, d) => Math.max(m, d.value), 0);
  }

  private bounds(now: number, decided: number): number {
    const c = this.config;
    let x = Math.max(decided, c.minScale);
    if (c.maxScale > 0) x = Math.min(x, c.maxScale);
    if (x > 0) {
      this.zeroSince = Number.NaN;
      return x;
    }
    if (!c.enableScaleToZero) return 1;
    if (Number.isNaN(this.zeroSince)) this.zeroSince = now;
    return now - this.zeroSince >= c.scaleToZeroGracePeriod ? 0 : 1;
  }
}

/** The KPA's loop: a scrape every second and a decision every tick, on grids with the caller's phase. */
export class KpaController implements TimedModel {
  private nextScrape: number;
  private nextTick: number;
  private lastScrape = Number.NaN;
  private lastIntegral = 0;
  private readonly log: KpaDecision[] = [];
  private lastTime = -Infinity;

  constructor(
    readonly kpa: KnativePodAutoscaler,
    firstScrapeAt: number,
    firstTickAt: number,
    /** ∫ (requests in flight at the revision) dt up to `now`, in request-ms. */
    private readonly concurrencyIntegral: (now: number) => number,
    private readonly readyPods: (now: number) => number,
    private readonly scale: (replicas: number, now: number) => void,
  ) {
    this.nextScrape = firstScrapeAt;
    this.nextTick = firstTickAt;
  }

  decisions(): readonly KpaDecision[] {
    return this.log;
  }

  nextDue(): number {
    return Math.min(this.nextScrape, this.nextTick);
  }

  advance(now: number): void {
    if (!(now >= this.lastTime)) throw new RangeError(`kpa controller: time went backwards (${now} after ${this.lastTime})`);
    this.lastTime = now;
    for (let t = this.nextDue(); t <= now; t = this.nextDue()) {
      if (this.nextScrape === t) {
        this.nextScrape += KNATIVE_SCRAPE_INTERVAL;
        const integral = this.concurrencyIntegral(t);
        if (!Number.isNaN(this.lastScrape)) this.kpa.record(t, (integral - this.lastIntegral) / (t - this.lastScrape));
        this.lastScrape = t;
        this.lastIntegral = integral;
      } else {
        this.nextTick += this.kpa.config.tickInterval;
        const decision = this.kpa.scale(t, this.readyPods(t));
        this.log.push(decision);
        if (decision.valid) this.scale(decision.desired, t);
      }
    }
  }
}

export function checkKpaConfig(c: KpaConfig): void {
  const owner = 'kpa';
  const positive = (field: string, v: number) => {
    if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`${owner}: ${field} must be positive, got ${v}`);
  };
  if (!(Number.isSafeInteger(c.containerConcurrency) && c.containerConcurrency >= 0)) throw new RangeError(`${owner}: containerConcurrency must be a whole number ≥ 0`);
  positive('containerConcurrencyTargetDefault', c.containerConcurrencyTargetDefault);
  if (!(c.targetUtilizationPercentage >= 1 && c.targetUtilizationPercentage <= 100)) throw new RangeError(`${owner}: targetUtilizationPercentage must be in [1, 100]`);
  if (!(c.stableWindow >= 6000 && c.stableWindow <= 3_600_000 && c.stableWindow % 1000 === 0)) throw new RangeError(`${owner}: stableWindow must be whole seconds in [6 s, 1 h], got ${c.stableWindow}`);
  if (!(c.panicWindowPercentage >= 1 && c.panicWindowPercentage <= 100)) throw new RangeError(`${owner}: panicWindowPercentage must be in [1, 100]`);
  if (!(c.panicThresholdPercentage >= 110 && c.panicThresholdPercentage <= 1000)) throw new RangeError(`${owner}: panicThresholdPercentage must be in [110, 1000]`);
  if (!(c.maxScaleUpRate > 1)) throw new RangeError(`${owner}: maxScaleUpRate must be > 1`);
  if (!(c.maxScaleDownRate > 1)) throw new RangeError(`${owner}: maxScaleDownRate must be > 1`);
  positive('tickInterval', c.tickInterval);
  if (!(c.scaleDownDelay >= 0 && c.scaleDownDelay <= 3_600_000)) throw new RangeError(`${owner}: scaleDownDelay must be in [0, 1 h]`);
  if (!(Number.isSafeInteger(c.minScale) && c.minScale >= 0 && Number.isSafeInteger(c.maxScale) && c.maxScale >= 0)) throw new RangeError(`${owner}: minScale and maxScale must be whole numbers ≥ 0`);
  if (c.maxScale > 0 && c.maxScale < c.minScale) throw new RangeError(`${owner}: maxScale (${c.maxScale}) below minScale (${c.minScale})`);
  if (!(c.scaleToZeroGracePeriod >= 0)) throw new RangeError(`${owner}: scaleToZeroGracePeriod must be ≥ 0`);
}
