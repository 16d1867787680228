/**
 * Envoy's route retry policy: which failures are retried, how often, after what back-off, with
 * what per-try deadline, and on which host.
 *
 * Implements: Envoy `RetryStateImpl` (source/common/router/retry_state_impl.cc:
 * shouldRetry, wouldRetryFromHeaders, wouldRetryFromReset), the router's per-try timeout
 * (`Filter::onPerTryTimeoutCommon` → `maybeRetryReset(LocalReset)`),
 * `JitteredExponentialBackOffStrategy` (source/common/common/backoff_strategy.cc) and
 * `LoadBalancerBase::chooseHost`'s reselection loop; route.v3 RetryPolicy proto; reference
 * notes: failure-detection-and-recovery.md §4, B4, guarantees (c)11–13.
 *
 * Variant, exactly:
 * - Which failures match `retryOn` (Envoy's tokens):
 *     failure           5xx  gateway-error  reset  connect-failure  refused-stream
 *     error5xx (500…)    ✓
 *     gateway (502–504)  ✓        ✓
 *     reset              ✓        ✓          ✓
 *     connect_failure    ✓        ✓          ✓          ✓
 *     refused_stream     ✓        ✓          ✓                           ✓
 *     per_try_timeout    ✓        ✓          ✓
 *     overflow           never (a local circuit-breaker overflow)
 *   Resets of every kind count as 5xx and gateway errors ("we count an upstream reset as a
 *   5xx"). `timeout` is a meshsim token, not Envoy's: it retries per-try timeouts only. The
 *   overall request timeout is never retried (the request is over).
 * - `shouldRetry`, in Envoy's order: not matching → `no_retry`; no retries left
 *   (`retriesDone ≥ numRetries`) → `limit_exceeded`; the retry circuit breaker or budget
 *   refuses → `overflow` (counted there); otherwise `retry`, holding one retry slot until the
 *   retried attempt ends.
 * - Back-off before retry N (1-based), `backoffFormula: 'envoy'` (default, the current code):
 *   uniform whole ms in [0, b_N) with b_1 = base and b_{N+1} = b_N < ⌊max/2⌋ ? 2·b_N : max, so
 *   25, 50, 100, 200, 250, 250 … ms with the defaults (0–24, 0–49, 0–99 ms …). With
 *   `'documented'`: [0, min((2^N − 1)·base, max)), the router documentation's formula
 *   (0–24, 0–74, 0–174 ms …). Both satisfy (c)12. Base intervals below 1 ms count as 1 ms.
 * - Per-try deadline: `min(now + perTryTimeout, requestDeadline)`; perTryTimeout 0 means none
 *   (each try may use what is left of the request timeout).
 * - Host selection for a retry with `previous_hosts`: pick, and pick again while the pick was
 *   already tried, at most `hostSelectionRetryMaxAttempts` more times; then take the last pick.
 *
 * Not modelled: retriable-4xx/status codes/headers, gRPC conditions, rate-limited back-off
 * (Retry-After), hedging, the retry priority predicate.
 *
 * Complexity: O(1) per call except backoffCeiling (O(N)); no allocation.
 */
import type { RandomSource } from '../engine/rng.js';
import { checkInteger, checkNonNegative, checkPositive } from '../detect/_internals/config-checks.js';
import type { RetryAdmission } from './retry-budget.js';

/** Envoy `retry_on` tokens, plus meshsim's `timeout` (per-try timeouts only). */
export type RetryOn = '5xx' | 'gateway-error' | 'reset' | 'connect-failure' | 'refused-stream' | 'timeout';

/** How an upstream attempt failed. */
export type AttemptFailure =
  /** A 5xx response other than 502/503/504. */
  | 'error5xx'
  /** A 502, 503 or 504 response. */
  | 'gateway'
  /** The stream was reset or the connection dropped after the request was sent (a crash mid-request). */
  | 'reset'
  /** The connection could not be made: refused (a crashed instance) or connect timeout. */
  | 'connect_failure'
  /** An HTTP/2 REFUSED_STREAM reset. */
  | 'refused_stream'
  /** The per-try timeout expired (a local reset in Envoy). */
  | 'per_try_timeout'
  /** The local circuit breaker refused the attempt: never retried. */
  | 'overflow';

export type RetryDecision = 'retry' | 'no_retry' | 'limit_exceeded' | 'overflow';

export type BackoffFormula = 'envoy' | 'documented';

export interface RetryPolicyConfig {
  /** Retries after the first attempt (`num_retries`). Envoy 1. */
  numRetries: number;
  /** Retry conditions. Envoy has none by default (no retries); meshsim 5xx, reset, connect-failure. */
  retryOn: readonly RetryOn[];
  /** Per-attempt timeout (ms); 0 = none, the request timeout applies. Envoy: unset. */
  perTryTimeout: number;
  /** Back-off base interval (ms). Envoy 25 ms. */
  baseInterval: number;
  /** Back-off cap (ms). Envoy 10 × baseInterval. */
  maxInterval: number;
  /** Reselections when a retry picks a host already tried. Envoy 1. */
  hostSelectionRetryMaxAttempts: number;
  /** 'envoy': the JitteredExponentialBackOffStrategy of the code; 'documented': the docs' (2^N − 1)·base. */
  backoffFormula: BackoffFormula;
}

export const DEFAULT_RETRY_POLICY_CONFIG: Readonly<RetryPolicyConfig> = Object.freeze({
  numRetries: 1,
  retryOn: Object.freeze(['5xx', 'reset', 'connect-failure'] as RetryOn[]),
  perTryTimeout: 0,
  baseInterval: 25,
  maxInterval: 250,
  hostSelectionRetryMaxAttempts: 1,
  backoffFormula: 'envoy',
});

const OWNER = 'retry policy';
const RETRY_ON: readonly RetryOn[] = ['5xx', 'gateway-error', 'reset', 'connect-failure', 'refused-stream', 'timeout'];
const FAILURE_BIT: Readonly<Record<AttemptFailure, number>> = {
  error5xx: 1,
  gateway: 2,
  reset: 4,
  connect_failure: 8,
  refused_stream: 16,
  per_try_timeout: 32,
  overflow: 64,
};

/** The retry_on tokens under which each failure is retried (Envoy's wouldRetryFrom… logic). */
const MATCHES: Readonly<Record<AttemptFailure, readonly RetryOn[]>> = {
  error5xx: ['5xx'],
  gateway: ['5xx', 'gateway-error'],
  reset: ['5xx', 'gateway-error', 'reset'],
  connect_failure: ['5xx', 'gateway-error', 'reset', 'connect-failure'],
  refused_stream: ['5xx', 'gateway-error', 'reset', 'refused-stream'],
  per_try_timeout: ['5xx', 'gateway-error', 'reset', 'timeout'],
  overflow: [],
};

/** Fills defaults and validates; an unset maxInterval is 10 × baseInterval, as Envoy. */
export function resolveRetryPolicyConfig(partial: Partial<RetryPolicyConfig> = {}): RetryPolicyConfig {
  const config: RetryPolicyConfig = { ...DEFAULT_RETRY_POLICY_CONFIG, ...partial };
  checkPositive(OWNER, 'baseInterval', config.baseInterval);
  if (partial.maxInterval === undefined) config.maxInterval = 10 * Math.max(1, config.baseInterval);
  checkInteger(OWNER, 'numRetries', config.numRetries, 0);
  checkNonNegative(OWNER, 'perTryTimeout', config.perTryTimeout);
  checkPositive(OWNER, 'maxInterval', config.maxInterval);
  if (config.maxInterval < config.baseInterval) {
    throw new RangeError(`${OWNER}: maxInterval (${config.maxInterval}) must be at least baseInterval (${config.baseInterval})`);
  }
  checkInteger(OWNER, 'hostSelectionRetryMaxAttempts', config.hostSelectionRetryMaxAttempts, 0);
  if (config.backoffFormula !== 'envoy' && config.backoffFormula !== 'documented') {
    throw new RangeError(`${OWNER}: backoffFormula must be 'envoy' or 'documented', got ${String(config.backoffFormula)}`);
  }
  if (!Array.isArray(config.retryOn)) throw new RangeError(`${OWNER}: retryOn must be a list of conditions`);
  for (const token of config.retryOn) {
    if (!RETRY_ON.includes(token)) throw new RangeError(`${OWNER}: unknown retryOn condition ${String(token)} (known: ${RETRY_ON.join(', ')})`);
  }
  return config;
}

export class RetryPolicy {
  readonly config: Readonly<RetryPolicyConfig>;
  private readonly retriableMask: number;
  private readonly base: number;

  constructor(config: Readonly<RetryPolicyConfig>) {
    this.config = config;
    let mask = 0;
    for (const failure of Object.keys(MATCHES) as AttemptFailure[]) {
      if (MATCHES[failure].some((token) => config.retryOn.includes(token))) mask |= FAILURE_BIT[failure];
    }
    this.retriableMask = mask;
    this.base = Math.max(1, config.baseInterval);
  }

  /** Whether `retryOn` covers this failure. */
  retriable(failure: AttemptFailure): boolean {
    const bit = FAILURE_BIT[failure];
    if (bit === undefined) throw new RangeError(`${OWNER}: unknown failure ${String(failure)}`);
    return (this.retriableMask & bit) !== 0;
  }

  /**
   * Envoy `shouldRetry`: may the request that has had `retriesDone` retries retry after this
   * failure? On `'retry'` one slot of `admission` is held; release it when the retried attempt
   * ends, or when the request ends first. `active`/`pending` are the cluster's requests, for a
   * budget.
   */
  shouldRetry(failure: AttemptFailure, retriesDone: number, admission: RetryAdmission, active: number, pending: number): RetryDecision {
    if (!this.retriable(failure)) return 'no_retry';
    if (retriesDone >= this.config.numRetries) return 'limit_exceeded';
    return admission.tryAcquire(active, pending) ? 'retry' : 'overflow';
  }

  /** The exclusive upper bound of the back-off before retry `retry` (1-based), in ms. */
  backoffCeiling(retry: number): number {
    if (!(Number.isSafeInteger(retry) && retry >= 1)) throw new RangeError(`${OWNER}: retry number must be an integer ≥ 1, got ${retry}`);
    const max = this.config.maxInterval;
    if (this.config.backoffFormula === 'documented') return Math.min((2 ** retry - 1) * this.base, max);
    const doublingLimit = Math.floor(max / 2);
    let ceiling = this.base;
    for (let n = 1; n < retry && ceiling < max; n++) ceiling = ceiling < doublingLimit ? 2 * ceiling : max;
    return ceiling;
  }

  /** The back-off before retry `retry` (1-based): uniform whole ms in [0, backoffCeiling). */
  backoff(retry: number, random: RandomSource): number {
    return Math.floor(random.next() * this.backoffCeiling(retry));
  }

  /** When an attempt started at `now` times out: the per-try timeout, within the request deadline. */
  attemptDeadline(now: number, requestDeadline: number): number {
    const perTry = this.config.perTryTimeout;
    return perTry > 0 ? Math.min(now + perTry, requestDeadline) : requestDeadline;
  }

  /**
   * Host selection for a retry with the previous_hosts predicate: `pickOnce()` returns a host
   * (or −1 for none); a pick that `alreadyTried` rejects is redone, up to
   * `hostSelectionRetryMaxAttempts` times; the last pick is used anyway.
   */
  selectHost(pickOnce: () => number, alreadyTried: (host: number) => boolean): number {
    let host = -1;
    for (let attempt = 0; attempt <= this.config.hostSelectionRetryMaxAttempts; attempt++) {
      host = pickOnce();
      if (host < 0 || !alreadyTried(host)) return host;
    }
    return host;
  }
}
