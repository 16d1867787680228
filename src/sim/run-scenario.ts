/**
 * The library entry point for simulations: a validated scenario object in, results out.
 * No files, no globals, no wall clock, so it can run thousands of times in one process
 * (sweeps, property tests, guarantee search).
 */
import type { BalancerConfig } from '../balancers/configs.js';
import { balancerLabel } from '../balancers/registry.js';
import { summarizeReplications } from '../analysis/summarize.js';
import type { RunResult, StrategyResult } from '../analysis/types.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import { assertSimulated } from '../scenario/not-yet-simulated.js';
import type { Scenario } from '../scenario/schema.js';
import { MESHSIM_VERSION } from '../version.js';
import { FastSimulation, runsOnFastPath, type ObservedMetrics } from './fast-simulation.js';
import type { SimEvent } from './fault-tracker.js';
import { Simulation, type SimulationOptions, type SimulationResult } from './simulation.js';
import type { TimeSeriesRow } from './timeseries.js';

export interface RunOptions extends SimulationOptions {
  /** Strategies to run under common random numbers; default: the scenario's `balancer`. */
  balancers?: readonly BalancerConfig[];
  /** Called after each replication, e.g. for a progress bar. */
  onReplication?: (done: number, total: number) => void;
  /**
   * Receives every replication's events and time series (events.csv, timeseries.csv); runs
   * then take the full simulation even when the fast path would do.
   */
  onDetails?: (details: ReplicationDetails) => void;
  /** Names a strategy in the results; default `balancerLabel` (plug-ins: `PluginRegistry.label`). */
  label?: (balancer: BalancerConfig) => string;
}

/** What one replication recorded besides its metrics. */
export interface ReplicationDetails {
  readonly label: string;
  readonly replication: number;
  readonly events: readonly SimEvent[];
  readonly timeseries: readonly TimeSeriesRow[];
}

/** Runs replication `replication` (0-based) of `scenario` with one balancer. */
export function simulateReplication(
  scenario: Scenario,
  replication = 0,
  balancer: BalancerConfig = scenario.balancer,
  options: SimulationOptions = {},
): ReplicationMetrics {
  return observeReplication(scenario, replication, balancer, options).metrics;
}

/**
 * One replication's metrics and its SLO observation, the input of `evaluateSlo`: the library
 * call for judging many runs in one process (guarantee search). Takes the fast path when it can.
 */
export function observeReplication(
  scenario: Scenario,
  replication = 0,
  balancer: BalancerConfig = scenario.balancer,
  options: SimulationOptions = {},
): ObservedMetrics {
  assertSimulated(scenario);
  if (runsOnFastPath(scenario, options)) return new FastSimulation(scenario, balancer, replication, options).run();
  const { metrics, observation } = new Simulation(scenario, balancer, replication, options).run();
  return { metrics, observation };
}

/**
 * One replication with everything it recorded: the metrics, the fault, detection and
 * recovery events (events.csv) and the per-window time series (timeseries.csv).
 */
export function simulateReplicationDetailed(
  scenario: Scenario,
  replication = 0,
  balancer: BalancerConfig = scenario.balancer,
  options: SimulationOptions = {},
): SimulationResult {
  assertSimulated(scenario);
  return new Simulation(scenario, balancer, replication, { recordEvents: true, recordTimeSeries: true, ...options }).run();
}

/** Runs every replication of every strategy and summarises each with 95 % intervals. */
export function runScenario(scenario: Scenario, options: RunOptions = {}): RunResult {
  const strategies = options.balancers ?? [scenario.balancer];
  const total = strategies.length * scenario.replications;
  let done = 0;
  const results: StrategyResult[] = strategies.map((balancer) => {
    const replicationMetrics: ReplicationMetrics[] = [];
    const label = (options.label ?? balancerLabel)(balancer);
    for (let r = 0; r < scenario.replications; r++) {
      if (options.onDetails === undefined) {
        replicationMetrics.push(simulateReplication(scenario, r, balancer, options));
      } else {
        const detailed = simulateReplicationDetailed(scenario, r, balancer, options);
        replicationMetrics.push(detailed.metrics);
        options.onDetails({ label, replication: r, events: detailed.events, timeseries: detailed.timeseries });
      }
      options.onReplication?.(++done, total);
    }
    const { metrics, ci95 } = summarizeReplications(replicationMetrics);
    return { balancer: balancer.kind, label, metrics, ci95, replicationMetrics };
  });
  return {
    meshsimVersion: MESHSIM_VERSION,
    scenario: scenario.name,
    seed: scenario.seed,
    replications: scenario.replications,
    results,
  };
}
