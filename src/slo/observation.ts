/**
 * What a replication hands the SLO evaluator: counts per time step of the counted span,
 * latencies per step, and the faults with their detection and recovery times. Plain data, so
 * the evaluator is a pure function of it.
 */
import type { WindowLatencies } from '../metrics/window-latencies.js';
import type { FaultMode } from './objective.js';

/** One fault episode of one instance (a zone outage gives one per instance of the zone). */
export interface FaultRecord {
  readonly instance: number;
  readonly mode: FaultMode;
  /** ms. */
  readonly start: number;
  /** ms; Infinity when the fault never ended. */
  readonly end: number;
  /** First time the instance was out of rotation (or killed) while the fault was active; NaN if never. */
  readonly detectedAt: number;
  /** First time after the fault's end that the instance served and every client had it in rotation; NaN if never. */
  readonly recoveredAt: number;
}

/** Per step of the counted span, by the step of each request's arrival. */
export interface StepCounts {
  readonly total: Float64Array;
  readonly completed: Float64Array;
  /** Failed or rejected. */
  readonly errors: Float64Array;
  readonly timedOut: Float64Array;
  /** Retry attempts sent. */
  readonly retries: Float64Array;
}

export interface SloObservation {
  /** The counted span [start, end): from the warm-up to the end of arrivals, ms. */
  readonly start: number;
  readonly end: number;
  /** Step length (ms) and number of steps: step i covers [start + i·step, start + (i+1)·step). */
  readonly step: number;
  readonly steps: number;
  readonly counts: StepCounts;
  /** Latencies of completed requests per step; null when no objective needs them. */
  readonly latencies: WindowLatencies | null;
  /** The request timeout (ms; Infinity when none): latency objectives count timed-out requests at it. */
  readonly timeout: number;
  readonly faults: readonly FaultRecord[];
}
