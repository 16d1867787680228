/**
 * Envoy outlier detection (passive health checking): one detector per cluster per proxy.
 *
 * Implements: Envoy `Outlier::DetectorImpl` and `DetectorHostMonitorImpl`
 * (source/common/upstream/outlier_detection_impl.cc; api/envoy/config/cluster/v3/
 * outlier_detection.proto); reference notes: failure-detection-and-recovery.md §2, B2,
 * guarantees (c)1–4 and 7.
 *
 * Variant, exactly:
 * - Non-split mode (`split_external_local_origin_errors: false`, Envoy's default): a
 *   local-origin failure (connect failure, timeout, reset) is charged as the HTTP code Envoy
 *   maps it to (timeout → 504, connect failure → 503), so it counts as both a 5xx and a gateway
 *   failure. Outcome `'gateway'` is an upstream 502/503/504, `'error5xx'` any other 5xx.
 * - Per response: a gateway failure increments the consecutive-gateway counter, any other 5xx
 *   clears it; every 5xx increments the consecutive-5xx counter; a non-5xx clears both. A
 *   counter fires when it EQUALS its threshold. The gateway detection is processed before the
 *   5xx one (the order Envoy posts them to the main thread). A detection on a host that is
 *   already ejected is dropped and leaves its counter as it is; otherwise the ejection is
 *   attempted and that counter is reset, whatever the attempt's outcome.
 * - `ejectHost`: overflow unless `100·(active+1)/hosts ≤ min(100, maxEjectionPercent)` (or
 *   `alwaysEjectOneHost` and nothing is ejected); then one Bernoulli draw against the
 *   detector's `enforcing…` percentage: a failed draw is logged as `detected_not_enforced`
 *   and changes nothing (the log-only mode); an enforced ejection records the time, draws
 *   the jitter `rand % (maxEjectionTimeJitter + 1)` and increments the backoff while
 *   `backoff·base < max + base` (so it saturates at ⌈max/base⌉ + 1, 11 by default).
 * - `sweep(now)`, every `interval`: uneject each ejected host with
 *   `min(base·backoff, max) + jitter ≤ now − lastEjection`, rotate the success-rate buckets
 *   (statistics use the last full interval), success-rate detection (population stdev,
 *   threshold `mean − factor/1000·stdev`, hosts with ≥ `successRateRequestVolume` requests,
 *   at least `successRateMinimumHosts` of them), failure-percentage detection (`100 − sr ≥
 *   threshold`), then backoff decay (−1 for each non-ejected host unejected at least one
 *   interval ago). Default effective durations: 30, 60, …, 270, 300, 300 s.
 * - `onActiveHealthCheckSuccess`: with `successfulActiveHealthCheckUnejectHost` (default
 *   true), a healthy active check on an ejected host that active HC does not mark failed
 *   unejects it at once and clears its counters (backoff is left alone, as in Envoy).
 *
 * Deliberate differences (the first three are invisible in practice):
 * - Ejections happen synchronously inside `recordResponse` (Envoy posts them from the worker
 *   to the main thread, a few microseconds later).
 * - Hosts are the dense ids 0…hostCount−1 and are visited in id order (Envoy's order is that of
 *   a hash map; it matters only for which host overflows when several cross the cap in one
 *   sweep). Hosts are never added or removed.
 * - Random draws are taken only when they can change the outcome: the enforcement draw
 *   when 0 < percentage < 100, the jitter draw when maxEjectionTimeJitter ≥ 1 ms. The jitter
 *   is a whole number of milliseconds, as in Envoy. Percentages may be fractional (Envoy's
 *   are integers): an enforcing percentage p enforces with probability p/100, which for an
 *   integer p is exactly Envoy's `rand % 100 < p`.
 * - A host ejected by success rate is skipped by failure-percentage detection in the same
 *   sweep. Envoy calls `ejectHost` on it a second time when both detectors enforce (a debug
 *   assertion; release builds then count it twice in `ejections_active` for good): a bug not
 *   reproduced.
 * - Split mode (local-origin counters and their success-rate/failure-percentage detectors),
 *   runtime overrides and the extension monitors are not modelled.
 *
 * Decisions are returned as events from the call that made them (empty arrays are shared, so
 * a response that decides nothing allocates nothing) and counted in `stats`, whose fields
 * follow Envoy's `outlier_detection.*` statistics.
 *
 * Complexity: recordResponse O(1); sweep O(hosts); no allocation per response.
 */
import type { RandomSource } from '../engine/rng.js';
import {
  checkBoolean,
  checkInteger,
  checkPercent,
  checkNonNegative,
  checkPositive,
  checkTime,
} from './_internals/config-checks.js';

/** How one upstream attempt ended, as outlier detection classifies it (non-split mode). */
export type OutlierOutcome =
  /** Any non-5xx response. */
  | 'success'
  /** A 5xx other than 502/503/504. */
  | 'error5xx'
  /** An upstream 502, 503 or 504. */
  | 'gateway'
  /** A local-origin failure: connect failure, reset or timeout (mapped to 503/504). */
  | 'local';

/** The four detectors; each has its own `enforcing…` percentage. */
export type OutlierDetectionType = 'consecutive_5xx' | 'consecutive_gateway_failure' | 'success_rate' | 'failure_percentage';

/** Why a host was ejected or unejected. */
export type OutlierReason = OutlierDetectionType | 'timer' | 'active_hc';

export type OutlierEventKind =
  /** An enforced ejection: the host is out of rotation (unless the cluster is in panic). */
  | 'eject'
  /** The host is back. */
  | 'uneject'
  /** A detection refused by the max-ejection-percent cap (`ejections_overflow`). */
  | 'overflow'
  /** A detection whose enforcement draw failed: logged, not applied. */
  | 'detected_not_enforced';

export interface OutlierEvent {
  readonly time: number;
  readonly host: number;
  readonly kind: OutlierEventKind;
  readonly reason: OutlierReason;
}

export interface OutlierDetectorConfig {
  /** Consecutive 5xx (local-origin failures included) that trigger a detection. Envoy 5. */
  consecutive5xx: number;
  /** Percent of consecutive-5xx detections enforced. Envoy 100. */
  enforcingConsecutive5xx: number;
  /** Consecutive 502/503/504 (local-origin failures included). Envoy 5. */
  consecutiveGatewayFailure: number;
  /** Percent of consecutive-gateway detections enforced. Envoy 0: detected and logged only. */
  enforcingConsecutiveGatewayFailure: number;
  /** Sweep period (ms): uneject, success rate, failure percentage, backoff decay. Envoy 10 s. */
  interval: number;
  /** Ejection time unit (ms), multiplied by the host's backoff. Envoy 30 s. */
  baseEjectionTime: number;
  /** Cap on base·backoff (ms). Envoy 300 s, or baseEjectionTime when that is larger. */
  maxEjectionTime: number;
  /** Upper bound of the random whole-ms jitter added to each ejection. Envoy 0. */
  maxEjectionTimeJitter: number;
  /** Percent of the cluster's hosts that may be ejected, checked at each ejection. Envoy 10. */
  maxEjectionPercent: number;
  /** Eject one host even when the percentage forbids it (when none is ejected). Envoy false. */
  alwaysEjectOneHost: boolean;
  /** Percent of success-rate detections enforced. Envoy 100. */
  enforcingSuccessRate: number;
  /** Hosts with enough volume needed for success-rate detection. Envoy 5. */
  successRateMinimumHosts: number;
  /** Requests in the last interval for a host to count in success rate. Envoy 100. */
  successRateRequestVolume: number;
  /** Stdev multiplier × 1000 (1900 → 1.9). Envoy 1900. */
  successRateStdevFactor: number;
  /** Failure percentage (100 − success rate) at or above which a host is ejected. Envoy 85. */
  failurePercentageThreshold: number;
  /** Percent of failure-percentage detections enforced. Envoy 0. */
  enforcingFailurePercentage: number;
  /** Hosts with enough volume needed for failure-percentage detection. Envoy 5. */
  failurePercentageMinimumHosts: number;
  /** Requests in the last interval for a host to count in failure percentage. Envoy 50. */
  failurePercentageRequestVolume: number;
  /** A healthy active health check unejects the host at once. Envoy true. */
  successfulActiveHealthCheckUnejectHost: boolean;
}

/** Envoy's defaults (outlier_detection.proto). */
export const DEFAULT_OUTLIER_DETECTOR_CONFIG: Readonly<OutlierDetectorConfig> = Object.freeze({
  consecutive5xx: 5,
  enforcingConsecutive5xx: 100,
  consecutiveGatewayFailure: 5,
  enforcingConsecutiveGatewayFailure: 0,
  interval: 10_000,
  baseEjectionTime: 30_000,
  maxEjectionTime: 300_000,
  maxEjectionTimeJitter: 0,
  maxEjectionPercent: 10,
  alwaysEjectOneHost: false,
  enforcingSuccessRate: 100,
  successRateMinimumHosts: 5,
  successRateRequestVolume: 100,
  successRateStdevFactor: 1900,
  failurePercentageThreshold: 85,
  enforcingFailurePercentage: 0,
  failurePercentageMinimumHosts: 5,
  failurePercentageRequestVolume: 50,
  successfulActiveHealthCheckUnejectHost: true,
});

const OWNER = 'outlier detection';

/**
 * Fills Envoy's defaults and validates. An unset `maxEjectionTime` is `max(300 s,
 * baseEjectionTime)`, as Envoy derives it; a set one below `baseEjectionTime` is rejected, as
 * Envoy rejects the cluster.
 */
export function resolveOutlierDetectorConfig(partial: Partial<OutlierDetectorConfig> = {}): OutlierDetectorConfig {
  const config: OutlierDetectorConfig = { ...DEFAULT_OUTLIER_DETECTOR_CONFIG, ...partial };
  if (partial.maxEjectionTime === undefined) {
    config.maxEjectionTime = Math.max(DEFAULT_OUTLIER_DETECTOR_CONFIG.maxEjectionTime, config.baseEjectionTime);
  }
  checkInteger(OWNER, 'consecutive5xx', config.consecutive5xx, 1);
  checkInteger(OWNER, 'consecutiveGatewayFailure', config.consecutiveGatewayFailure, 1);
  checkPercent(OWNER, 'enforcingConsecutive5xx', config.enforcingConsecutive5xx);
  checkPercent(OWNER, 'enforcingConsecutiveGatewayFailure', config.enforcingConsecutiveGatewayFailure);
  checkPercent(OWNER, 'enforcingSuccessRate', config.enforcingSuccessRate);
  checkPercent(OWNER, 'enforcingFailurePercentage', config.enforcingFailurePercentage);
  checkPercent(OWNER, 'maxEjectionPercent', config.maxEjectionPercent);
  checkPercent(OWNER, 'failurePercentageThreshold', config.failurePercentageThreshold);
  checkPositive(OWNER, 'interval', config.interval);
  checkPositive(OWNER, 'baseEjectionTime', config.baseEjectionTime);
  checkPositive(OWNER, 'maxEjectionTime', config.maxEjectionTime);
  if (config.maxEjectionTime < config.baseEjectionTime) {
    throw new RangeError(
      `${OWNER}: maxEjectionTime (${config.maxEjectionTime}) cannot be smaller than baseEjectionTime (${config.baseEjectionTime})`,
    );
  }
  checkNonNegative(OWNER, 'maxEjectionTimeJitter', config.maxEjectionTimeJitter);
  checkInteger(OWNER, 'successRateMinimumHosts', config.successRateMinimumHosts, 0);
  checkInteger(OWNER, 'successRateRequestVolume', config.successRateRequestVolume, 0);
  checkNonNegative(OWNER, 'successRateStdevFactor', config.successRateStdevFactor);
  checkInteger(OWNER, 'failurePercentageMinimumHosts', config.failurePercentageMinimumHosts, 0);
  checkInteger(OWNER, 'failurePercentageRequestVolume', config.failurePercentageRequestVolume, 0);
  checkBoolean(OWNER, 'alwaysEjectOneHost', config.alwaysEjectOneHost);
  checkBoolean(OWNER, 'successfulActiveHealthCheckUnejectHost', config.successfulActiveHealthCheckUnejectHost);
  return config;
}

/** Envoy's `outlier_detection.*` counters (cluster-wide); `ejectionsActive` is a getter on the detector. */
export interface OutlierStats {
  /** Detections refused by the ejection cap (`ejections_overflow`). */
  ejectionsOverflow: number;
  /** Enforced ejections of every type (`ejections_enforced_total`). */
  ejectionsEnforcedTotal: number;
  /** Detections per type, overflowed and not-enforced ones included (`ejections_detected_*`). */
  readonly detected: Record<OutlierDetectionType, number>;
  /** Enforced ejections per type (`ejections_enforced_*`). */
  readonly enforced: Record<OutlierDetectionType, number>;
}

const NO_EVENTS: readonly OutlierEvent[] = Object.freeze([]);

function zeroPerType(): Record<OutlierDetectionType, number> {
  return { consecutive_5xx: 0, consecutive_gateway_failure: 0, success_rate: 0, failure_percentage: 0 };
}

export class OutlierDetector {
  readonly config: Readonly<OutlierDetectorConfig>;
  readonly hostCount: number;
  readonly stats: OutlierStats = {
    ejectionsOverflow: 0,
    ejectionsEnforcedTotal: 0,
    detected: zeroPerType(),
    enforced: zeroPerType(),
  };

  private readonly random: RandomSource;
  private active = 0;
  private lastTime = -Infinity;
  private srMean = Number.NaN;
  private srThreshold = Number.NaN;

  // Per host, struct of arrays.
  private readonly ejected: Uint8Array;
  private readonly consecutive5xxCount: Uint32Array;
  private readonly consecutiveGatewayCount: Uint32Array;
  private readonly backoffLevel: Uint32Array;
  private readonly ejections: Uint32Array;
  private readonly lastEjection: Float64Array;
  private readonly lastUnejection: Float64Array;
  private readonly jitterMs: Float64Array;
  // Success-rate buckets: the one being written, and the last full interval.
  private readonly currentTotal: Float64Array;
  private readonly currentSuccess: Float64Array;
  private readonly lastTotal: Float64Array;
  private readonly lastSuccess: Float64Array;
  // Sweep scratch.
  private readonly validSr: Int32Array;
  private readonly validFp: Int32Array;

  constructor(config: Readonly<OutlierDetectorConfig>, hostCount: number, random: RandomSource) {
    checkInteger(OWNER, 'hostCount', hostCount, 0);
    this.config = config;
    this.hostCount = hostCount;
    this.random = random;
    this.ejected = new Uint8Array(hostCount);
    this.consecutive5xxCount = new Uint32Array(hostCount);
    this.consecutiveGatewayCount = new Uint32Array(hostCount);
    this.backoffLevel = new Uint32Array(hostCount);
    this.ejections = new Uint32Array(hostCount);
    this.lastEjection = new Float64Array(hostCount).fill(Number.NaN);
    this.lastUnejection = new Float64Array(hostCount).fill(Number.NaN);
    this.jitterMs = new Float64Array(hostCount);
    this.currentTotal = new Float64Array(hostCount);
    this.currentSuccess = new Float64Array(hostCount);
    this.lastTotal = new Float64Array(hostCount);
    this.lastSuccess = new Float64Array(hostCount);
    this.validSr = new Int32Array(hostCount);
    this.validFp = new Int32Array(hostCount);
  }

  /** Hosts currently ejected (`ejections_active`). */
  get activeEjections(): number {
    return this.active;
  }

  isEjected(host: number): boolean {
    this.checkHost(host);
    return this.ejected[host] === 1;
  }

  /** Enforced ejections of this host so far (`num_ejections`). */
  ejectionCount(host: number): number {
    this.checkHost(host);
    return this.ejections[host]!;
  }

  /** The host's ejection-time multiplier: 0 at start, +1 per ejection, −1 per quiet sweep. */
  backoff(host: number): number {
    this.checkHost(host);
    return this.backoffLevel[host]!;
  }

  consecutive5xx(host: number): number {
    this.checkHost(host);
    return this.consecutive5xxCount[host]!;
  }

  consecutiveGatewayFailures(host: number): number {
    this.checkHost(host);
    return this.consecutiveGatewayCount[host]!;
  }

  /** Time of the host's last enforced ejection; NaN if never ejected. */
  lastEjectionTime(host: number): number {
    this.checkHost(host);
    return this.lastEjection[host]!;
  }

  /** Time of the host's last uneject; NaN if never unejected. */
  lastUnejectionTime(host: number): number {
    this.checkHost(host);
    return this.lastUnejection[host]!;
  }

  /**
   * The earliest time a sweep may uneject this ejected host:
   * `lastEjection + min(base·backoff, max) + jitter`. The uneject itself happens at the first
   * sweep at or after it. NaN when the host is not ejected.
   */
  unejectDueTime(host: number): number {
    this.checkHost(host);
    if (this.ejected[host] === 0) return Number.NaN;
    return this.lastEjection[host]! + this.ejectionDuration(host) + this.jitterMs[host]!;
  }

  /** The host's success rate (percent) over the last full interval; NaN when it had no requests. */
  successRate(host: number): number {
    this.checkHost(host);
    const total = this.lastTotal[host]!;
    return total === 0 ? Number.NaN : (this.lastSuccess[host]! * 100) / total;
  }

  /** Mean success rate of the valid hosts at the last sweep; NaN when success rate was not computed. */
  get successRateAverage(): number {
    return this.srMean;
  }

  /** Success-rate ejection threshold at the last sweep; NaN when it was not computed. */
  get successRateEjectionThreshold(): number {
    return this.srThreshold;
  }

  /**
   * Charges one response (every attempt, retries included) to `host`. Returns the ejection
   * decisions it triggered; usually none, and then the shared empty array.
   */
  recordResponse(host: number, outcome: OutlierOutcome, now: number): readonly OutlierEvent[] {
    this.checkHost(host);
    this.advanceTo(now);
    this.currentTotal[host]!++;
    if (outcome === 'success') {
      this.currentSuccess[host]!++;
      this.consecutive5xxCount[host] = 0;
      this.consecutiveGatewayCount[host] = 0;
      return NO_EVENTS;
    }
    let events = NO_EVENTS;
    if (outcome === 'gateway' || outcome === 'local') {
      if (++this.consecutiveGatewayCount[host]! === this.config.consecutiveGatewayFailure) {
        events = this.onConsecutiveError(host, 'consecutive_gateway_failure', now, events);
      }
    } else if (outcome === 'error5xx') {
      this.consecutiveGatewayCount[host] = 0;
    } else {
      throw new RangeError(`${OWNER}: unknown outcome ${String(outcome)}`);
    }
    if (++this.consecutive5xxCount[host]! === this.config.consecutive5xx) {
      events = this.onConsecutiveError(host, 'consecutive_5xx', now, events);
    }
    return events;
  }

  /**
   * The interval timer (`onIntervalTimer`): call every `config.interval`, the first one
   * interval after the detector starts. Returns unejections, then detections, in that order.
   */
  sweep(now: number): readonly OutlierEvent[] {
    this.advanceTo(now);
    let events: OutlierEvent[] | null = null;
    const n = this.hostCount;
    for (let host = 0; host < n; host++) {
      if (this.ejected[host] === 1 && this.ejectionDuration(host) + this.jitterMs[host]! <= now - this.lastEjection[host]!) {
        events ??= [];
        this.unejectHost(host, now, 'timer', events);
      }
      this.lastTotal[host] = this.currentTotal[host]!;
      this.lastSuccess[host] = this.currentSuccess[host]!;
      this.currentTotal[host] = 0;
      this.currentSuccess[host] = 0;
    }
    events = this.processSuccessRateEjections(now, events);
    const interval = this.config.interval;
    for (let host = 0; host < n; host++) {
      if (this.ejected[host] === 0 && now - this.lastUnejection[host]! >= interval && this.backoffLevel[host]! > 0) {
        this.backoffLevel[host]!--; // a NaN lastUnejection (never unejected) fails the test above
      }
    }
    return events ?? NO_EVENTS;
  }

  /**
   * A healthy active health-check result on `host`. Unejects it when it is ejected, active HC
   * does not mark it failed (`activeHcFailed`, the checker's state after this result) and
   * `successfulActiveHealthCheckUnejectHost` is on.
   */
  onActiveHealthCheckSuccess(host: number, now: number, activeHcFailed = false): readonly OutlierEvent[] {
    this.checkHost(host);
    this.advanceTo(now);
    if (!this.config.successfulActiveHealthCheckUnejectHost || activeHcFailed || this.ejected[host] === 0) return NO_EVENTS;
    const events: OutlierEvent[] = [];
    this.unejectHost(host, now, 'active_hc', events);
    return events;
  }

  /**
   * The host left the cluster (Envoy's member-update callback for `hosts_removed`): its
   * monitor goes, and an ejection in force no longer counts in `ejections_active`. The index
   * starts afresh, as the monitor of a new host would (no ejections, no backoff, no counts).
   * Emits nothing: the caller has dropped the host.
   */
  forgetHost(host: number): void {
    this.checkHost(host);
    if (this.ejected[host] === 1) this.active--;
    this.ejected[host] = 0;
    this.consecutive5xxCount[host] = 0;
    this.consecutiveGatewayCount[host] = 0;
    this.backoffLevel[host] = 0;
    this.ejections[host] = 0;
    this.lastEjection[host] = Number.NaN;
    this.lastUnejection[host] = Number.NaN;
    this.jitterMs[host] = 0;
    this.currentTotal[host] = 0;
    this.currentSuccess[host] = 0;
    this.lastTotal[host] = 0;
    this.lastSuccess[host] = 0;
  }

  /**
   * Envoy's `ejectHost`: the percentage cap, the enforcement draw, then the ejection. Counts
   * the detection. The host must not be ejected already (a failed invariant throws).
   */
  ejectHost(host: number, type: OutlierDetectionType, now: number): readonly OutlierEvent[] {
    this.checkHost(host);
    this.advanceTo(now);
    if (this.ejected[host] === 1) throw new Error(`${OWNER}: host ${host} is already ejected`);
    this.stats.detected[type]++;
    const events: OutlierEvent[] = [];
    this.tryEject(host, type, now, events);
    return events;
  }

  private onConsecutiveError(
    host: number,
    type: 'consecutive_5xx' | 'consecutive_gateway_failure',
    now: number,
    events: readonly OutlierEvent[],
  ): readonly OutlierEvent[] {
    if (this.ejected[host] === 1) return events;
    this.stats.detected[type]++;
    const out = events === NO_EVENTS ? [] : (events as OutlierEvent[]);
    this.tryEject(host, type, now, out);
    if (type === 'consecutive_5xx') this.consecutive5xxCount[host] = 0;
    else this.consecutiveGatewayCount[host] = 0;
    return out;
  }

  private tryEject(host: number, type: OutlierDetectionType, now: number, events: OutlierEvent[]): void {
    const config = this.config;
    const maxPercent = Math.min(100, config.maxEjectionPercent);
    const ejectedPercent = (100 * (this.active + 1)) / this.hostCount;
    let shouldEject = ejectedPercent <= maxPercent;
    if (config.alwaysEjectOneHost) shouldEject = this.active === 0 || shouldEject;
    if (!shouldEject) {
      this.stats.ejectionsOverflow++;
      events.push({ time: now, host, kind: 'overflow', reason: type });
      return;
    }
    if (!this.enforced(type)) {
      events.push({ time: now, host, kind: 'detected_not_enforced', reason: type });
      return;
    }
    this.active++;
    this.stats.ejectionsEnforcedTotal++;
    this.stats.enforced[type]++;
    this.ejected[host] = 1;
    this.ejections[host]!++;
    this.lastEjection[host] = now;
    const maxJitter = Math.floor(config.maxEjectionTimeJitter);
    this.jitterMs[host] = maxJitter >= 1 ? Math.floor(this.random.next() * (maxJitter + 1)) : 0;
    if (this.backoffLevel[host]! * config.baseEjectionTime < config.maxEjectionTime + config.baseEjectionTime) {
      this.backoffLevel[host]!++;
    }
    events.push({ time: now, host, kind: 'eject', reason: type });
  }

  /** Runtime `featureEnabled(key, pct)`: `random % 100 < pct`, i.e. `u·100 < pct`. */
  private enforced(type: OutlierDetectionType): boolean {
    const percent = this.enforcingPercent(type);
    if (percent >= 100) return true;
    if (percent <= 0) return false;
    return this.random.next() * 100 < percent;
  }

  private enforcingPercent(type: OutlierDetectionType): number {
    switch (type) {
      case 'consecutive_5xx':
        return this.config.enforcingConsecutive5xx;
      case 'consecutive_gateway_failure':
        return this.config.enforcingConsecutiveGatewayFailure;
      case 'success_rate':
        return this.config.enforcingSuccessRate;
      case 'failure_percentage':
        return this.config.enforcingFailurePercentage;
    }
  }

  private unejectHost(host: number, now: number, reason: 'timer' | 'active_hc', events: OutlierEvent[]): void {
    this.active--;
    this.ejected[host] = 0;
    this.consecutive5xxCount[host] = 0;
    this.consecutiveGatewayCount[host] = 0;
    this.lastUnejection[host] = now;
    events.push({ time: now, host, kind: 'uneject', reason });
  }

  private ejectionDuration(host: number): number {
    return Math.min(this.config.baseEjectionTime * this.backoffLevel[host]!, this.config.maxEjectionTime);
  }

  /** `processSuccessRateEjections(ExternalOrigin)`: success rate, then failure percentage. */
  private processSuccessRateEjections(now: number, events: OutlierEvent[] | null): OutlierEvent[] | null {
    const config = this.config;
    const n = this.hostCount;
    this.srMean = Number.NaN;
    this.srThreshold = Number.NaN;
    if (n < config.successRateMinimumHosts && n < config.failurePercentageMinimumHosts) return events;

    let srCount = 0;
    let fpCount = 0;
    let srSum = 0;
    for (let host = 0; host < n; host++) {
      if (this.ejected[host] === 1) continue;
      const volume = this.lastTotal[host]!;
      if (volume === 0) continue;
      if (volume >= config.successRateRequestVolume) {
        this.validSr[srCount++] = host;
        srSum += (this.lastSuccess[host]! * 100) / volume;
      }
      if (volume >= config.failurePercentageRequestVolume) this.validFp[fpCount++] = host;
    }

    if (srCount > 0 && srCount >= config.successRateMinimumHosts) {
      const mean = srSum / srCount;
      let variance = 0;
      for (let i = 0; i < srCount; i++) {
        const deviation = this.rateOf(this.validSr[i]!) - mean;
        variance += deviation * deviation;
      }
      variance /= srCount;
      const threshold = mean - (config.successRateStdevFactor / 1000) * Math.sqrt(variance);
      this.srMean = mean;
      this.srThreshold = threshold;
      for (let i = 0; i < srCount; i++) {
        const host = this.validSr[i]!;
        if (this.rateOf(host) < threshold) {
          this.stats.detected.success_rate++;
          events ??= [];
          this.tryEject(host, 'success_rate', now, events);
        }
      }
    }

    if (fpCount > 0 && fpCount >= config.failurePercentageMinimumHosts) {
      for (let i = 0; i < fpCount; i++) {
        const host = this.validFp[i]!;
        if (this.ejected[host] === 1) continue; // ejected by success rate a moment ago
        if (100 - this.rateOf(host) >= config.failurePercentageThreshold) {
          this.stats.detected.failure_percentage++;
          events ??= [];
          this.tryEject(host, 'failure_percentage', now, events);
        }
      }
    }
    return events;
  }

  private rateOf(host: number): number {
    return (this.lastSuccess[host]! * 100) / this.lastTotal[host]!;
  }

  private advanceTo(now: number): void {
    checkTime(OWNER, now, this.lastTime);
    this.lastTime = now;
  }

  private checkHost(host: number): void {
    if (!(Number.isInteger(host) && host >= 0 && host < this.hostCount)) {
      throw new RangeError(`${OWNER}: host ${String(host)} is not in 0…${this.hostCount - 1}`);
    }
  }
}
