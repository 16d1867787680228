/**
 * Akka's phi (φ) accrual failure detector, one per monitored node.
 *
 * Implements: Akka `PhiAccrualFailureDetector` and `HeartbeatHistory`
 * (akka-remote/src/main/scala/akka/remote/PhiAccrualFailureDetector.scala), after Hayashibara,
 * Défago, Yared and Katayama, "The φ Accrual Failure Detector", SRDS 2004; defaults from
 * akka-cluster reference.conf; reference notes: failure-detection-and-recovery.md §7, B7,
 * guarantees (c)21–22.
 *
 * Variant, exactly:
 * - φ(now) = 0 before the first heartbeat ("treat unmanaged connections as healthy");
 *   otherwise, with Δ = now − lastHeartbeat, m = mean + acceptableHeartbeatPause and
 *   σ = max(stdDeviation, minStdDeviation):
 *     y = (Δ − m)/σ,  e = exp(−y·(1.5976 + 0.070566·y²))   (logistic approximation of the
 *     normal CDF, error 0.00014 at ±3.16),  φ = −log10(e/(1 + e)) if Δ > m, else
 *     −log10(1 − 1/(1 + e)). The node is available while φ < threshold.
 * - The history of inter-arrival times starts with two intervals, m₀ − m₀/4 and m₀ + m₀/4
 *   (m₀ = firstHeartbeatEstimate in whole ms, /4 in integer division as Akka's Longs), keeps
 *   the last `maxSampleSize` intervals, and its variance is the population one
 *   (Σx²/n − mean²).
 * - A heartbeat that arrives while the detector already says unavailable is not added to the
 *   history ("a long pause will skew the stats"); it still becomes the last heartbeat.
 *
 * Numerics: sums are kept in doubles and recomputed from the window once per full rotation,
 * so rounding drift stays bounded (Akka's Long sums of whole milliseconds are exact; with
 * whole-ms intervals these are too). A variance that rounds below zero is taken as 0.
 *
 * `suspicionTime()` gives the earliest time φ ≥ threshold if no heartbeat arrives: the root of
 * the cubic y·(1.5976 + 0.070566·y²) = ln(10^threshold − 1), refined by bisection on φ itself
 * so that the returned time does read as suspected. With the defaults and steady 1 s
 * heartbeats it is 4.52 s after the last one.
 *
 * Complexity: heartbeat O(1) amortized, φ O(1), suspicionTime O(1) (about 60 φ evaluations).
 * No allocation after the window has grown to maxSampleSize.
 */
import { checkInteger, checkNonNegative, checkPositive, checkTime } from './_internals/config-checks.js';

export interface PhiAccrualConfig {
  /** φ at or above which the node is suspected. Akka 8. */
  threshold: number;
  /** Inter-arrival times kept. Akka 1000. */
  maxSampleSize: number;
  /** Floor on the standard deviation (ms). Akka 100 ms. */
  minStdDeviation: number;
  /** Added to the mean: lost or late heartbeats tolerated (ms). Akka cluster 3 s. */
  acceptableHeartbeatPause: number;
  /** The expected interval the history is bootstrapped with (Akka: heartbeat-interval, 1 s). */
  firstHeartbeatEstimate: number;
}

export const DEFAULT_PHI_ACCRUAL_CONFIG: Readonly<PhiAccrualConfig> = Object.freeze({
  threshold: 8,
  maxSampleSize: 1000,
  minStdDeviation: 100,
  acceptableHeartbeatPause: 3_000,
  firstHeartbeatEstimate: 1_000,
});

const OWNER = 'phi accrual detector';

/** Fills Akka's defaults and validates with Akka's `require`s. */
export function resolvePhiAccrualConfig(partial: Partial<PhiAccrualConfig> = {}): PhiAccrualConfig {
  const config: PhiAccrualConfig = { ...DEFAULT_PHI_ACCRUAL_CONFIG, ...partial };
  checkPositive(OWNER, 'threshold', config.threshold);
  checkInteger(OWNER, 'maxSampleSize', config.maxSampleSize, 1);
  checkPositive(OWNER, 'minStdDeviation', config.minStdDeviation);
  checkNonNegative(OWNER, 'acceptableHeartbeatPause', config.acceptableHeartbeatPause);
  checkPositive(OWNER, 'firstHeartbeatEstimate', config.firstHeartbeatEstimate);
  return config;
}

/**
 * Akka's `phi(timeDiff, mean, stdDeviation)`: −log10 of the logistic approximation of
 * P(X > timeDiff) for X ~ N(mean, stdDeviation²). Infinity once e underflows.
 */
export function phiOf(timeDiff: number, mean: number, stdDeviation: number): number {
  const y = (timeDiff - mean) / stdDeviation;
  const e = Math.exp(-y * (1.5976 + 0.070566 * y * y));
  // `0 − x` rather than `−x`: φ at the far left is +0, never −0.
  return timeDiff > mean ? 0 - Math.log10(e / (1 + e)) : 0 - Math.log10(1 - 1 / (1 + e));
}

/** The y at which φ = threshold: the real root of 0.070566·y³ + 1.5976·y = ln(10^threshold − 1). */
export function phiQuantile(threshold: number): number {
  const c = threshold * Math.LN10 + Math.log1p(-(10 ** -threshold)); // ln(10^T − 1), without overflow
  // Cardano for y³ + p·y + q = 0, p > 0: one real root.
  const p = 1.5976 / 0.070566;
  const q = -c / 0.070566;
  const root = Math.sqrt((q * q) / 4 + (p * p * p) / 27);
  let y = Math.cbrt(-q / 2 + root) + Math.cbrt(-q / 2 - root);
  for (let i = 0; i < 3; i++) y -= (0.070566 * y * y * y + 1.5976 * y - c) / (3 * 0.070566 * y * y + 1.5976); // Newton polish
  return y;
}

/** Akka's `HeartbeatHistory`: a window of inter-arrival times with their sum and sum of squares. */
export class HeartbeatHistory {
  readonly maxSampleSize: number;
  private buffer: Float64Array;
  private head = 0; // index of the oldest interval
  private count = 0;
  private sum = 0;
  private sumOfSquares = 0;
  private dropsSinceRecompute = 0;

  constructor(maxSampleSize: number) {
    checkInteger('heartbeat history', 'maxSampleSize', maxSampleSize, 1);
    this.maxSampleSize = maxSampleSize;
    this.buffer = new Float64Array(Math.min(maxSampleSize, 16));
  }

  get size(): number {
    return this.count;
  }

  get mean(): number {
    return this.sum / this.count;
  }

  get variance(): number {
    const mean = this.mean;
    return Math.max(0, this.sumOfSquares / this.count - mean * mean);
  }

  get stdDeviation(): number {
    return Math.sqrt(this.variance);
  }

  /** `:+`: appends, dropping the oldest interval when the window is full. */
  append(interval: number): void {
    if (this.count === this.maxSampleSize) {
      const oldest = this.buffer[this.head]!;
      this.sum -= oldest;
      this.sumOfSquares -= oldest * oldest;
      this.buffer[this.head] = interval;
      this.head = (this.head + 1) % this.maxSampleSize;
      this.sum += interval;
      this.sumOfSquares += interval * interval;
      if (++this.dropsSinceRecompute >= this.maxSampleSize) this.recompute();
      return;
    }
    if (this.count === this.buffer.length) this.grow();
    this.buffer[(this.head + this.count) % this.buffer.length] = interval;
    this.count++;
    this.sum += interval;
    this.sumOfSquares += interval * interval;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
    this.sum = 0;
    this.sumOfSquares = 0;
    this.dropsSinceRecompute = 0;
  }

  private grow(): void {
    const next = new Float64Array(Math.min(this.maxSampleSize, this.buffer.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.buffer[(this.head + i) % this.buffer.length]!;
    this.buffer = next;
    this.head = 0;
  }

  private recompute(): void {
    let sum = 0;
    let sumOfSquares = 0;
    for (let i = 0; i < this.count; i++) {
      const x = this.buffer[i]!;
      sum += x;
      sumOfSquares += x * x;
    }
    this.sum = sum;
    this.sumOfSquares = sumOfSquares;
    this.dropsSinceRecompute = 0;
  }
}

export class PhiAccrualFailureDetector {
  readonly config: Readonly<PhiAccrualConfig>;
  readonly history: HeartbeatHistory;
  private last = Number.NaN;

  constructor(config: Readonly<PhiAccrualConfig>) {
    this.config = config;
    this.history = new HeartbeatHistory(config.maxSampleSize);
    this.bootstrap();
  }

  /** A heartbeat has been received. */
  heartbeat(now: number): void {
    if (Number.isNaN(this.last)) {
      this.bootstrap(); // a heartbeat from a new resource: starter records
    } else {
      checkTime(OWNER, now, this.last);
      // Don't use the first heartbeat after a failure for the history.
      if (this.isAvailable(now)) this.history.append(now - this.last);
    }
    this.last = now;
  }

  /** The suspicion level at `now` (≥ the last heartbeat); 0 before any heartbeat. */
  phi(now: number): number {
    if (Number.isNaN(this.last)) return 0;
    const stdDeviation = Math.max(this.history.stdDeviation, this.config.minStdDeviation);
    return phiOf(now - this.last, this.history.mean + this.config.acceptableHeartbeatPause, stdDeviation);
  }

  isAvailable(now: number): boolean {
    return this.phi(now) < this.config.threshold;
  }

  /** A heartbeat has been received at least once. */
  get isMonitoring(): boolean {
    return !Number.isNaN(this.last);
  }

  /** Time of the last heartbeat; NaN before the first. */
  get lastHeartbeat(): number {
    return this.last;
  }

  /**
   * The earliest time at which φ ≥ threshold if no further heartbeat arrives, given the
   * current history (`lastHeartbeat` is the detector's own by default). Infinity before the
   * first heartbeat, since φ stays 0. The simulator schedules its suspicion check there.
   */
  suspicionTime(lastHeartbeat: number = this.last): number {
    if (Number.isNaN(lastHeartbeat)) return Infinity;
    const threshold = this.config.threshold;
    const mean = this.history.mean + this.config.acceptableHeartbeatPause;
    const sigma = Math.max(this.history.stdDeviation, this.config.minStdDeviation);
    const phiAt = (t: number): number => phiOf(t - lastHeartbeat, mean, sigma);
    if (phiAt(lastHeartbeat) >= threshold) return lastHeartbeat;
    // φ is non-decreasing in t: bracket the analytic root, then bisect on φ as computed.
    const guess = Math.max(lastHeartbeat, lastHeartbeat + mean + phiQuantile(threshold) * sigma);
    let step = Math.max(1e-9, Math.abs(guess) * 1e-12);
    let hi = guess;
    while (!(phiAt(hi) >= threshold)) {
      hi += step;
      step *= 2;
    }
    let lo = Math.max(lastHeartbeat, hi - step);
    while (phiAt(lo) >= threshold && lo > lastHeartbeat) {
      step *= 2;
      lo = Math.max(lastHeartbeat, hi - step);
    }
    if (phiAt(lo) >= threshold) return lo;
    for (let i = 0; i < 200; i++) {
      const mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      if (phiAt(mid) >= threshold) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  private bootstrap(): void {
    const mean = Math.trunc(this.config.firstHeartbeatEstimate);
    const stdDeviation = Math.trunc(mean / 4);
    this.history.clear();
    this.history.append(mean - stdDeviation);
    this.history.append(mean + stdDeviation);
  }
}
