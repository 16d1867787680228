/**
 * How an attempt (or, for its final attempt, a request) ended, as the client sees it, and how
 * each outcome maps onto the categories of Envoy's outlier detection and retry policy.
 */
export const Outcome = {
  Ok: 0,
  /** The instance answered with a 5xx (an `errors` fault). */
  Error5xx: 1,
  /** 503 from a full instance queue: a gateway error. */
  Rejected: 2,
  /** The connection was reset: the instance crashed while holding the attempt (local origin). */
  Reset: 3,
  /** Connection refused: the instance is down or starting (local origin, connect failure). */
  Refused: 4,
  /** A per-try or request timeout (local origin; Envoy maps it to 504, a gateway error). */
  Timeout: 5,
  /** No endpoint to send to (Envoy: no healthy upstream); no attempt was made. */
  NoEndpoint: 6,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** Retry conditions of the scenario's `retries.retryOn`, Envoy's names. */
export type RetryOn = '5xx' | 'gateway-error' | 'reset' | 'connect-failure' | 'timeout';

/**
 * Whether `retryOn` covers `outcome`. Envoy's `5xx` covers every failure including resets,
 * connect failures and per-try timeouts; `gateway-error` covers 502/503/504 (a full queue and
 * per-try timeouts here).
 */
export function retryable(outcome: Outcome, on: ReadonlySet<RetryOn>): boolean {
  switch (outcome) {
    case Outcome.Ok:
    case Outcome.NoEndpoint:
      return false;
    case Outcome.Error5xx:
      return on.has('5xx');
    case Outcome.Rejected:
      return on.has('5xx') || on.has('gateway-error');
    case Outcome.Reset:
      return on.has('5xx') || on.has('reset');
    case Outcome.Refused:
      return on.has('5xx') || on.has('connect-failure');
    case Outcome.Timeout:
      return on.has('5xx') || on.has('gateway-error') || on.has('timeout');
  }
}

/** The outlier detector's view of an outcome (Envoy's non-split mode). */
export type OutlierOutcome = 'success' | 'error5xx' | 'gateway' | 'local';

export function outlierOutcome(outcome: Outcome): OutlierOutcome {
  switch (outcome) {
    case Outcome.Ok:
    case Outcome.NoEndpoint:
      return 'success';
    case Outcome.Error5xx:
      return 'error5xx';
    case Outcome.Rejected:
      return 'gateway';
    case Outcome.Reset:
    case Outcome.Refused:
    case Outcome.Timeout:
      return 'local';
  }
}
