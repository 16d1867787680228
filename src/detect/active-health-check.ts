/**
 * Envoy active health checking: the state of one (checker, host) session.
 *
 * Implements: Envoy `HealthCheckerImplBase::ActiveHealthCheckSession` (handleSuccess,
 * handleFailure/setUnhealthy, onInitialInterval) and `HealthCheckerImplBase::interval` /
 * `intervalWithJitter` (source/extensions/health_checkers/common/health_checker_base_impl.cc;
 * api/envoy/config/core/v3/health_check.proto); reference notes:
 * failure-detection-and-recovery.md §1, B1, guarantees (c)8–10.
 *
 * Variant, exactly:
 * - A host starts failed (`FAILED_ACTIVE_HC`: "if we are depending on a health checker, we
 *   initialize to unhealthy"). The very first result on the host, if a success, makes it
 *   healthy whatever `healthyThreshold` is.
 * - Success: clears the failure count; on a failed host, flips it healthy at the first check
 *   or when `++successes == healthyThreshold` (`'changed'`), else `'pending'`.
 * - Failure: clears the success count; on a healthy host, a failure that is neither a network
 *   failure nor a timeout (`'bad_status'`: a status outside the expected ones) flips it at
 *   once, and network failures and timeouts flip it when `++failures == unhealthyThreshold`;
 *   otherwise `'pending'`. A timeout on a failed host sets `timedOut` (ACTIVE_HC_TIMEOUT); any
 *   other failure clears it.
 * - The wait before the next check is chosen from the result just handled and its
 *   transition: failure+pending → unhealthyEdgeInterval, failure otherwise →
 *   unhealthyInterval, success+pending → healthyEdgeInterval, success otherwise → interval.
 *   This is what the code does; the proto's prose places the unhealthy edge interval after the
 *   flip instead. Jitter is added as Envoy does, in whole milliseconds:
 *   `+ rand % ⌊pct·base/100⌋` (if that is > 0), then `+ rand % intervalJitter` (if > 0); the
 *   result is floored at 1 ms. The first check runs at once, or after
 *   `max(1, rand % initialJitter)` ms when initialJitter > 0.
 * - The check schedule is response time + wait, not a fixed cadence: the caller sends a check,
 *   arms `timeout`, reports the response or the timeout with `onResult`, then schedules the
 *   next check `nextDelay(random)` later.
 *
 * Not modelled: no-traffic intervals (the cluster is assumed to carry traffic, so
 * `no_traffic_interval` never applies), retriable statuses, degraded hosts, the
 * PENDING_ACTIVE_HC flag of warming clusters, the immediate-fail response header, and the
 * runtime min/max interval clamps (defaults 0 and unbounded).
 *
 * Envoy has no defaults for interval, timeout and the thresholds; DEFAULT_ACTIVE_HEALTH_CHECK_CONFIG
 * holds meshsim's (interval 5 s, timeout 1 s, unhealthy 3, healthy 2, the CONTRACT example).
 *
 * Complexity: O(1) per call, no allocation.
 */
import type { RandomSource } from '../engine/rng.js';
import { checkInteger, checkNonNegative, checkPositive } from './_internals/config-checks.js';

/** How a check ended. */
export type HealthCheckResult =
  /** An expected response. */
  | 'success'
  /** No response within `timeout` (NETWORK_TIMEOUT). */
  | 'timeout'
  /** A connection failure: refused, reset (NETWORK). */
  | 'network'
  /** A response with an unexpected status: flips a healthy host at once. */
  | 'bad_status';

/** Envoy's HealthTransition. */
export type HealthTransition = 'changed' | 'pending' | 'unchanged';

export interface ActiveHealthCheckConfig {
  /** Base wait between the end of one check and the start of the next (ms). Required in Envoy. */
  interval: number;
  /** How long a check may take before it counts as a timeout failure (ms). Required in Envoy. */
  timeout: number;
  /** Consecutive network/timeout failures that mark a healthy host unhealthy. Required in Envoy. */
  unhealthyThreshold: number;
  /** Consecutive successes that mark an unhealthy host healthy (not for the first check). Required in Envoy. */
  healthyThreshold: number;
  /** First check after `rand % initialJitter` ms (whole ms, at least 1); 0 = at once. Envoy 0. */
  initialJitter: number;
  /** Each wait gets `+ rand % intervalJitter` ms. Envoy 0. */
  intervalJitter: number;
  /** Each wait gets `+ rand % ⌊base·pct/100⌋` ms. Envoy 0. */
  intervalJitterPercent: number;
  /** Base wait after a failure that leaves or makes the host unhealthy. Envoy: = interval. */
  unhealthyInterval: number;
  /** Base wait after a failure while the unhealthy transition is pending. Envoy: = unhealthyInterval. */
  unhealthyEdgeInterval: number;
  /** Base wait after a success while the healthy transition is pending. Envoy: = interval. */
  healthyEdgeInterval: number;
}

/** meshsim's defaults for Envoy's required fields; Envoy's own defaults for the rest. */
export const DEFAULT_ACTIVE_HEALTH_CHECK_CONFIG: Readonly<ActiveHealthCheckConfig> = Object.freeze({
  interval: 5_000,
  timeout: 1_000,
  unhealthyThreshold: 3,
  healthyThreshold: 2,
  initialJitter: 0,
  intervalJitter: 0,
  intervalJitterPercent: 0,
  unhealthyInterval: 5_000,
  unhealthyEdgeInterval: 5_000,
  healthyEdgeInterval: 5_000,
});

const OWNER = 'active health check';

/**
 * Fills defaults and validates. Unset edge intervals derive as Envoy derives them:
 * unhealthyInterval = interval, unhealthyEdgeInterval = unhealthyInterval,
 * healthyEdgeInterval = interval. A timeout longer than the interval is allowed (checks are
 * sequential, so it is meaningful).
 */
export function resolveActiveHealthCheckConfig(partial: Partial<ActiveHealthCheckConfig> = {}): ActiveHealthCheckConfig {
  const config: ActiveHealthCheckConfig = { ...DEFAULT_ACTIVE_HEALTH_CHECK_CONFIG, ...partial };
  if (partial.unhealthyInterval === undefined) config.unhealthyInterval = config.interval;
  if (partial.unhealthyEdgeInterval === undefined) config.unhealthyEdgeInterval = config.unhealthyInterval;
  if (partial.healthyEdgeInterval === undefined) config.healthyEdgeInterval = config.interval;
  checkPositive(OWNER, 'interval', config.interval);
  checkPositive(OWNER, 'timeout', config.timeout);
  checkInteger(OWNER, 'unhealthyThreshold', config.unhealthyThreshold, 1);
  checkInteger(OWNER, 'healthyThreshold', config.healthyThreshold, 1);
  checkNonNegative(OWNER, 'initialJitter', config.initialJitter);
  checkNonNegative(OWNER, 'intervalJitter', config.intervalJitter);
  checkNonNegative(OWNER, 'intervalJitterPercent', config.intervalJitterPercent);
  checkPositive(OWNER, 'unhealthyInterval', config.unhealthyInterval);
  checkPositive(OWNER, 'unhealthyEdgeInterval', config.unhealthyEdgeInterval);
  checkPositive(OWNER, 'healthyEdgeInterval', config.healthyEdgeInterval);
  return config;
}

/** The largest jitter `intervalWithJitter` can add to `base` (whole ms). */
export function maxJitter(config: Readonly<ActiveHealthCheckConfig>, base: number): number {
  const percentMod = Math.floor((config.intervalJitterPercent * base) / 100);
  const jitterMod = Math.floor(config.intervalJitter);
  return Math.max(0, percentMod - 1) + Math.max(0, jitterMod - 1);
}

/** The longest wait `intervalWithJitter` can return for `base`. */
export function maxDelay(config: Readonly<ActiveHealthCheckConfig>, base: number): number {
  return Math.max(1, base + maxJitter(config, base));
}

/** Envoy `intervalWithJitter(base, interval_jitter)`: percent jitter, then fixed jitter, floor 1 ms. */
export function intervalWithJitter(config: Readonly<ActiveHealthCheckConfig>, base: number, random: RandomSource): number {
  let delay = base;
  const percentMod = Math.floor((config.intervalJitterPercent * base) / 100);
  if (percentMod > 0) delay += Math.floor(random.next() * percentMod);
  const jitterMod = Math.floor(config.intervalJitter);
  if (jitterMod > 0) delay += Math.floor(random.next() * jitterMod);
  return Math.max(1, delay);
}

/**
 * (c)8, simple form: a blackholed host (every check times out) that was healthy is marked
 * unhealthy within `(U + 1)·(timeout + I*)` of the failure, I* being the longest jittered wait
 * over `interval` and `unhealthyEdgeInterval`. Checks that fail fast only make it sooner.
 */
export function detectionBound(config: Readonly<ActiveHealthCheckConfig>): number {
  return (config.unhealthyThreshold + 1) * (config.timeout + detectionWait(config));
}

/**
 * (c)8, tight form: `U·(τ + I*)`. Either a check is in flight at the failure (it fails within
 * τ) or a wait of at most I* is (the next check fails within I* + τ); each of the other U − 1
 * failing checks adds at most I* + τ. A failure right after a successful response, with
 * maximal jitter and timeouts, reaches it. The reference's `(τ + I*) + U·τ + (U − 1)·I*` is
 * this plus τ.
 */
export function detectionBoundTight(config: Readonly<ActiveHealthCheckConfig>): number {
  return config.unhealthyThreshold * (config.timeout + detectionWait(config));
}

/**
 * (c)9, simple form: a failed host that is healthy again is marked healthy within
 * `(H + 1)·(timeout + I*)`, I* being the longest jittered wait over `unhealthyInterval` and
 * `healthyEdgeInterval`. (A new host needs one success, sooner still.)
 */
export function recoveryBound(config: Readonly<ActiveHealthCheckConfig>): number {
  return (config.healthyThreshold + 1) * (config.timeout + recoveryWait(config));
}

/**
 * (c)9, tight form: `(τ + I*) + H·τ + (H − 1)·Ihe*`, Ihe* being the longest jittered
 * `healthyEdgeInterval`: the check in flight at the repair may still time out (τ), then a wait
 * (I*), then H successful checks, each answered within τ, with healthy-edge waits between
 * them. A repair just after a check was sent to the hung host, with maximal jitter and
 * response times, comes within H ms of it. The reference's `(τ + Iu*) + (H − 1)·(τ + Ihe*)`
 * leaves out the response time of the last successful check (and a healthy-edge wait in
 * progress at the repair); it can be exceeded.
 */
export function recoveryBoundTight(config: Readonly<ActiveHealthCheckConfig>): number {
  const tau = config.timeout;
  const healthyEdge = maxDelay(config, config.healthyEdgeInterval);
  return tau + recoveryWait(config) + config.healthyThreshold * tau + (config.healthyThreshold - 1) * healthyEdge;
}

function detectionWait(config: Readonly<ActiveHealthCheckConfig>): number {
  return Math.max(maxDelay(config, config.interval), maxDelay(config, config.unhealthyEdgeInterval));
}

function recoveryWait(config: Readonly<ActiveHealthCheckConfig>): number {
  return Math.max(maxDelay(config, config.unhealthyInterval), maxDelay(config, config.healthyEdgeInterval));
}

export class ActiveHealthCheck {
  readonly config: Readonly<ActiveHealthCheckConfig>;
  private isFailed = true;
  private isTimedOut = false;
  private first = true;
  private failures = 0;
  private successes = 0;
  private lastHealthy = true;
  private lastTransition: HealthTransition = 'unchanged';

  constructor(config: Readonly<ActiveHealthCheckConfig>) {
    this.config = config;
  }

  /** FAILED_ACTIVE_HC: the host is out of rotation for this checker (unless in panic). */
  get failed(): boolean {
    return this.isFailed;
  }

  /** ACTIVE_HC_TIMEOUT: the host is failed and its last check timed out. */
  get timedOut(): boolean {
    return this.isTimedOut;
  }

  /** No result has been handled yet. */
  get firstCheck(): boolean {
    return this.first;
  }

  /** `num_unhealthy_`: failures counted toward unhealthyThreshold. */
  get consecutiveFailures(): number {
    return this.failures;
  }

  /** `num_healthy_`: successes counted toward healthyThreshold. */
  get consecutiveSuccesses(): number {
    return this.successes;
  }

  /** The transition of the last result ('unchanged' before any). */
  get transition(): HealthTransition {
    return this.lastTransition;
  }

  /** Handles the outcome of one check (the caller reports a timeout as `'timeout'`). */
  onResult(result: HealthCheckResult): HealthTransition {
    let transition: HealthTransition = 'unchanged';
    if (result === 'success') {
      this.failures = 0;
      if (this.isFailed) {
        if (this.first || ++this.successes === this.config.healthyThreshold) {
          this.isFailed = false;
          this.isTimedOut = false;
          transition = 'changed';
        } else {
          transition = 'pending';
        }
      }
      this.lastHealthy = true;
    } else {
      this.successes = 0;
      const network = result === 'timeout' || result === 'network';
      if (!network && result !== 'bad_status') throw new RangeError(`${OWNER}: unknown result ${String(result)}`);
      if (!this.isFailed) {
        if (!network || ++this.failures === this.config.unhealthyThreshold) {
          this.isFailed = true;
          transition = 'changed';
        } else {
          transition = 'pending';
        }
      }
      this.isTimedOut = result === 'timeout' && this.isFailed;
      this.lastHealthy = false;
    }
    this.first = false;
    this.lastTransition = transition;
    return transition;
  }

  /** The base wait after the last result, before jitter (Envoy `interval(state, transition)`). */
  baseInterval(): number {
    const pending = this.lastTransition === 'pending';
    if (this.lastHealthy) return pending ? this.config.healthyEdgeInterval : this.config.interval;
    return pending ? this.config.unhealthyEdgeInterval : this.config.unhealthyInterval;
  }

  /** How long after the last result the next check starts. Before any result: `interval`, jittered. */
  nextDelay(random: RandomSource): number {
    return intervalWithJitter(this.config, this.baseInterval(), random);
  }

  /** How long after the host is added the first check starts (`onInitialInterval`). */
  firstDelay(random: RandomSource): number {
    if (this.config.initialJitter === 0) return 0;
    const jitterMod = Math.floor(this.config.initialJitter);
    return Math.max(1, jitterMod > 0 ? Math.floor(random.next() * jitterMod) : 0);
  }
}
