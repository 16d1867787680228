/**
 * The metrics of one replication of one strategy. Field names are the metric paths of
 * CONTRACT.md (`latency.p99`, `imbalance.cov`, …) used in summary.json and summary.csv.
 * Times are milliseconds; rates are per second.
 */
export interface LatencyMetrics {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export interface ReplicationMetrics {
  /** Requests counted: arrivals after the warm-up. */
  T: number;
  /** Instances. */
  S: number;
  /** Load factor T/S. */
  L: number;
  /** Failure rate f/S: instances faulty during the counted window over instances. */
  F: number;
  /** Recovery rate r/T: counted requests that failed an attempt and still succeeded. */
  R: number;
  /** Every arrival, counted or not. */
  arrived: number;
  completed: number;
  /** Ended without a response for another reason than timeout or rejection (e.g. no endpoint). */
  failed: number;
  timedOut: number;
  /** Refused by a full instance queue. */
  rejected: number;
  /** Counted requests still unfinished when the run stopped (only with `drain`). */
  inFlightAtEnd: number;
  /** Completed counted requests per second of the counted window. */
  throughput: number;
  /** Completed over counted. */
  availability: number;
  /** Latency of completed counted requests, from arrival at the client to the response. */
  latency: LatencyMetrics;
  imbalance: { maxOverMean: number; cov: number };
  /** Counted requests served (completed service) per instance. */
  perInstance: number[];
  faultyInstances: number;
  /** Simulated time at the end of the run (ms). */
  simulatedTime: number;
}
