/**
 * Strategies × replications of one scenario, for `run` and `compare`: in this thread when every
 * strategy is built in (runScenario), on a worker thread under the plug-in watchdog when some
 * are plug-ins (worker-pool.ts). Both give the same numbers, replication for replication: each
 * unit is the same simulateReplication call, and results are assembled in the same order.
 */
import { MESHSIM_VERSION } from '../version.js';
import type { RunResult } from '../analysis/types.js';
import type { BalancerConfig } from '../balancers/configs.js';
import { balancerLabel } from '../balancers/registry.js';
import type { Scenario } from '../scenario/schema.js';
import { runScenario, type ReplicationDetails } from '../sim/run-scenario.js';
import { runCells, usesPlugins, type WorkUnit } from '../sweep/run-cells.js';
import { createWorkerPool, type WorkerPool } from './worker-pool.js';

export interface RunRequest {
  /** The results' label of each strategy (unique; compare makes them so). */
  readonly labels: readonly string[];
  readonly onReplication?: (done: number, total: number) => void;
}

export interface ScenarioRunner {
  /** Each strategy's label as its balancer (or plug-in) names it, possibly repeated. */
  readonly labels: readonly string[];
  run(request: RunRequest): Promise<{ result: RunResult; details: ReplicationDetails[] }>;
  close(): Promise<void>;
}

export interface RunnerOptions {
  /** Also record events and time series (events.csv, timeseries.csv). */
  readonly details: boolean;
  /** --plugin-timeout, ms. */
  readonly pluginTimeout: number;
}

/** Prepares the run; with plug-ins, imports and checks them on the worker (problems are thrown here). */
export async function prepareScenarioRun(scenario: Scenario, strategies: readonly BalancerConfig[], options: RunnerOptions): Promise<ScenarioRunner> {
  if (!usesPlugins(strategies)) {
    return {
      labels: strategies.map(balancerLabel),
      run: async ({ labels, onReplication }) => {
        const details: ReplicationDetails[] = [];
        const result = runScenario(scenario, {
          balancers: strategies,
          label: (balancer) => labels[strategies.indexOf(balancer)]!,
          ...(onReplication === undefined ? {} : { onReplication }),
          ...(options.details ? { onDetails: (d: ReplicationDetails) => details.push(d) } : {}),
        });
        return { result, details };
      },
      close: async () => {},
    };
  }

  const recorded = new Map<string, Omit<ReplicationDetails, 'label'>>();
  const key = (unit: WorkUnit) => `${unit.strategy}/${unit.replication}`;
  let labels: readonly string[] = [];
  const pool: WorkerPool = await createWorkerPool([{ scenario, strategies }], {
    threads: 1,
    pluginTimeout: options.pluginTimeout,
    describeUnit: (unit) => `in replication ${unit.replication} of ${labels[unit.strategy] ?? `strategy ${unit.strategy + 1}`}`,
    ...(options.details
      ? { onDetails: (unit: WorkUnit, events, timeseries) => recorded.set(key(unit), { replication: unit.replication, events, timeseries }) }
      : {}),
  });
  try {
    labels = (await pool.labels([{ scenario, strategies }]))[0]!;
  } catch (error) {
    await pool.close();
    throw error;
  }
  return {
    labels,
    async run(request) {
      labels = request.labels;
      const cell = { index: 0, params: {}, scenario, strategies, labels: request.labels };
      // Two units in flight keep the thread busy while the main thread takes a result.
      const outcome = await runCells([cell], {
        runUnit: pool.runUnit,
        concurrency: 2,
        onProgress: (p) => request.onReplication?.(p.unitsDone, p.unitsTotal),
      });
      const results = outcome.cells[0]!.results;
      const details: ReplicationDetails[] = [];
      strategies.forEach((_, s) => {
        for (let r = 0; r < scenario.replications; r++) {
          const found = recorded.get(key({ cell: 0, strategy: s, replication: r }));
          if (found !== undefined) details.push({ label: request.labels[s]!, ...found });
        }
      });
      const result: RunResult = { meshsimVersion: MESHSIM_VERSION, scenario: scenario.name, seed: scenario.seed, replications: scenario.replications, results };
      return { result, details };
    },
    close: () => pool.close(),
  };
}
