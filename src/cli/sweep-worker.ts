/**
 * The worker-thread side of `meshsim sweep`: runs one work unit (cell, strategy, replication)
 * per task. The cells' scenarios and strategies arrive once per thread as piscina's
 * workerData, so a task is three integers. Bundled as its own entry (dist/cli/sweep-worker.js)
 * so it loads under plain node.
 */
import { workerData } from 'piscina';
import type { BalancerConfig } from '../balancers/configs.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import type { Scenario } from '../scenario/schema.js';
import { simulateReplication } from '../sim/run-scenario.js';
import type { SimulationOptions } from '../sim/simulation.js';
import { usesPlugins, type WorkUnit } from '../sweep/run-cells.js';

/** What the pool hands every thread: one entry per planned cell, in plan order. */
export interface WorkerCell {
  scenario: Scenario;
  strategies: readonly BalancerConfig[];
}

const cells = workerData as readonly WorkerCell[];

// Plug-in modules are imported once per thread, before the first task (the main thread has
// already checked them). Only cells with plug-ins get a factory, exactly as on the main thread,
// so a cell runs the same code whichever thread runs it.
const options: SimulationOptions[] = await Promise.all(
  cells.map(async (cell): Promise<SimulationOptions> => {
    if (!usesPlugins(cell.strategies)) return {};
    const { loadBalancerPlugins } = await import('../plugins/load-plugins.js');
    return { createBalancer: (await loadBalancerPlugins(cell.scenario, { strategies: cell.strategies })).createBalancer };
  }),
);

export default function runUnit(unit: WorkUnit): ReplicationMetrics {
  const cell = cells[unit.cell];
  const balancer = cell?.strategies[unit.strategy];
  if (cell === undefined || balancer === undefined) {
    throw new Error(`sweep worker: no cell ${unit.cell} strategy ${unit.strategy} in the plan`);
  }
  return simulateReplication(cell.scenario, unit.replication, balancer, options[unit.cell]);
}
