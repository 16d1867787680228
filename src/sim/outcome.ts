/**
 * How an attempt (or, for its final attempt, a request) ended, as the client sees it, and how
 * each outcome maps onto the categories of Envoy's outlier detection.
 */
import type { OutlierOutcome } from '../detect/outlier-detector.js';

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
  /** The client's circuit breaker refused it (503 x-envoy-overloaded); no attempt was made. */
  Overflow: 7,
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** The outlier detector's view of an outcome (Envoy's non-split mode). */
export function outlierOutcome(outcome: Outcome): OutlierOutcome {
  switch (outcome) {
    case Outcome.Ok:
    case Outcome.NoEndpoint:
    case Outcome.Overflow:
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
