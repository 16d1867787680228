/**
 * meshsim's public API: what notebooks and library users import. One simulation is a plain
 * function call (scenario object in, metrics out: no files, no globals), cheap enough to run
 * thousands of times in one process.
 *
 * ```ts
 * import { resolveScenario, runScenario, formatTable } from 'meshsim';
 * const { scenario } = resolveScenario({ name: 'demo', duration: '30s', arrivals: { kind: 'poisson', rate: 500 },
 *   service: { instances: 8, serviceTime: { dist: 'exponential', mean: '10ms' } }, balancer: { kind: 'least_request' } });
 * console.log(formatTable(runScenario(scenario)));
 * ```
 */
export { MESHSIM_VERSION } from './version.js';

// Scenarios: the schema is the single source of the Scenario type.
export {
  scenarioSchema,
  type Scenario,
  type ScenarioInput,
  type DistributionSpec,
  type ArrivalSpec,
  type KeySpec,
  type ServiceSpec,
} from './scenario/schema.js';
export { loadScenarioFile, resolveScenario, ScenarioError, type LoadedScenario, type ScenarioProblem } from './scenario/load.js';
export { scenarioJsonSchema } from './scenario/json-schema.js';
export { parseDuration, formatDuration } from './scenario/duration.js';

// Simulation.
export {
  runScenario,
  simulateReplication,
  simulateReplicationDetailed,
  observeReplication,
  type RunOptions,
  type ReplicationDetails,
} from './sim/run-scenario.js';
export type { ObservedMetrics } from './sim/fast-simulation.js';

// Service-level objectives: the `slo:` language and the evaluator (observeReplication → evaluateSlo).
export * from './slo/index.js';
// Guarantee search (`meshsim check`): the smallest fault schedule that breaks an SLO.
export * from './check/index.js';
export type { SimulationOptions, SimulationResult, PickRecord, RetryRecord, RequestStart, AttemptEnd, RequestEnd } from './sim/simulation.js';
export type { SimEvent, EventKind } from './sim/fault-tracker.js';
export type { TimeSeriesRow } from './sim/timeseries.js';

// Failure detection and recovery mechanisms, usable on their own (their bounds included).
export * from './detect/index.js';
export * from './recovery/index.js';
export type { ReplicationMetrics, LatencyMetrics } from './metrics/types.js';
// Membership, discovery and autoscaling (issue 13) as models of their own: pods that come and go,
// endpoint propagation to each sidecar, HPA and KPA. `runMembership` runs a scenario's
// membership without requests; the simulation does not run these keys yet.
export * from './membership/index.js';
export * from './discovery/index.js';
export * from './autoscale/index.js';
export { advanceUntil, TimedGroup, type TimedModel } from './engine/timed-model.js';
export { runMembership, membershipConfig } from './scenario/build-membership.js';
export { hpaConfig, kpaConfig } from './scenario/build-autoscaling.js';
// Plug-in balancer modules, imported before a run (runScenario's createBalancer and label).
export { loadBalancerPlugins, type PluginRegistry, type LoadPluginsOptions } from './plugins/load-plugins.js';
export { BalancerPluginError } from './plugins/errors.js';

// Statistics and outputs.
export { summarizeReplications, summarizeSample, getMetric, metricPaths } from './analysis/summarize.js';
export { studentTQuantile } from './analysis/student-t.js';
export type { RunResult, StrategyResult } from './analysis/types.js';
export { formatSummaryJson } from './output/summary-json.js';
export { formatSummaryCsv } from './output/summary-csv.js';
export { formatTable } from './output/table.js';
export { writeRunOutputs, writeFileAtomic } from './output/write-files.js';

// The engine's checks against queueing theory, and the formulas behind them.
export { QUEUEING_CHECKS, runCheck, type QueueingCheck, type CheckOutcome, type CheckMode } from './validation/checks.js';
export * from './validation/queueing-theory.js';

// Workload building blocks (each sampler knows its mean and variance).
export { createSampler, distributionMoments, describeDistribution, type Sampler } from './model/distributions/index.js';
export { createArrivalProcess, meanArrivalRate, type ArrivalProcess } from './model/arrivals/index.js';
export { streamFactory, RngStream, type RngFactory } from './engine/rng.js';

// The balancers, also published alone as `meshsim/balancers`.
export * from './balancers/index.js';
