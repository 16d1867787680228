/**
 * The result of a run or compare: what summary.json, summary.csv and the table are made of.
 */
import type { ReplicationMetrics } from '../metrics/types.js';

/** One strategy (balancer configuration) evaluated over all replications. */
export interface StrategyResult {
  /** The balancer kind, e.g. `least_request`. */
  balancer: string;
  /** A human-readable, unique name of the configuration, e.g. `least_request(choices=2)`. */
  label: string;
  /** Means over the replications (see summarizeReplications). */
  metrics: ReplicationMetrics;
  /** 95 % Student-t half-widths by metric path; empty with one replication. */
  ci95: Record<string, number>;
  /** One record per replication, in replication order (index 0 first). */
  replicationMetrics: ReplicationMetrics[];
}

export interface RunResult {
  meshsimVersion: string;
  /** The scenario's name. */
  scenario: string;
  seed: number;
  replications: number;
  /** In the order the strategies were listed (balancer, or the `compare` list). */
  results: StrategyResult[];
}
