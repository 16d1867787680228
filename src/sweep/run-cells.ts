/**
 * Runs the work units of a sweep, (cell, strategy, replication), on any executor (worker
 * threads or this thread) and assembles each cell's results in a fixed order: units are
 * stored by their coordinates, never in completion order, so the outcome is the same whatever
 * the parallelism.
 *
 * Stopping: `stop` ends scheduling (units in flight finish and count); `abort` is passed to
 * the executor so in-flight units may be abandoned. Either way the cells whose every unit
 * finished are returned and the outcome is marked interrupted.
 */
import { summarizeReplications } from '../analysis/summarize.js';
import type { StrategyResult } from '../analysis/types.js';
import type { BalancerConfig } from '../balancers/configs.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import { instanceAttributes } from '../scenario/instance-attributes.js';
import type { Scenario } from '../scenario/schema.js';
import { simulateReplication } from '../sim/run-scenario.js';
import type { SweepCell } from './types.js';

/** A cell ready to run: its resolved scenario and its strategies with their unique labels. */
export interface CellPlan {
  /** Position in the full grid. */
  index: number;
  params: Record<string, unknown>;
  scenario: Scenario;
  strategies: readonly BalancerConfig[];
  labels: readonly string[];
}

/** One simulation: `cell` is a position in the plan given to runCells (not a grid index). */
export interface WorkUnit {
  cell: number;
  strategy: number;
  replication: number;
}

/** Runs one unit; rejects (any error) when `signal` aborts it before it finished. */
export type UnitRunner = (unit: WorkUnit, signal: AbortSignal) => Promise<ReplicationMetrics>;

export interface SweepProgress {
  unitsDone: number;
  unitsTotal: number;
  cellsDone: number;
  cellsTotal: number;
}

export interface RunCellsOptions {
  runUnit: UnitRunner;
  /** Units in flight at once; a pool wants a few more than it has threads to stay busy. */
  concurrency: number;
  /** Stop scheduling new units; the ones in flight still finish. */
  stop?: AbortSignal;
  /** Also abandon the units in flight. */
  abort?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
}

export interface CellsOutcome {
  /** The finished cells, in plan order. */
  cells: SweepCell[];
  /** True when some unit was never run or was abandoned. */
  interrupted: boolean;
}

/** Whether a cell needs plug-in modules: some strategy is a `module` balancer. */
export function usesPlugins(strategies: readonly BalancerConfig[]): boolean {
  return strategies.some((s) => s.kind === 'module');
}

/** Every unit of `plan` in the canonical order: cell, then strategy, then replication. */
export function workUnits(plan: readonly CellPlan[]): WorkUnit[] {
  const units: WorkUnit[] = [];
  plan.forEach((c, cell) => {
    for (let strategy = 0; strategy < c.strategies.length; strategy++) {
      for (let replication = 0; replication < c.scenario.replications; replication++) {
        units.push({ cell, strategy, replication });
      }
    }
  });
  return units;
}

function finishCell(plan: CellPlan, metrics: readonly ReplicationMetrics[][]): SweepCell {
  const results: StrategyResult[] = plan.strategies.map((balancer, s) => {
    const replicationMetrics = metrics[s]!;
    const { metrics: means, ci95 } = summarizeReplications(replicationMetrics);
    return { balancer: balancer.kind, label: plan.labels[s]!, metrics: means, ci95, replicationMetrics };
  });
  return { index: plan.index, params: plan.params, instances: instanceAttributes(plan.scenario), results };
}

export async function runCells(plan: readonly CellPlan[], options: RunCellsOptions): Promise<CellsOutcome> {
  const units = workUnits(plan);
  const abort = options.abort ?? new AbortController().signal;
  const concurrency = Math.max(1, Math.floor(options.concurrency));
  // metrics[cell][strategy][replication], filled as units finish in any order.
  const metrics = plan.map((c) => c.strategies.map(() => new Array<ReplicationMetrics>(c.scenario.replications)));
  const remaining = plan.map((c) => c.strategies.length * c.scenario.replications);
  const finished = new Array<SweepCell | undefined>(plan.length);
  let unitsDone = 0;
  let cellsDone = 0;
  let failure: { error: unknown } | undefined;
  const report = () =>
    options.onProgress?.({ unitsDone, unitsTotal: units.length, cellsDone, cellsTotal: plan.length });

  const record = (unit: WorkUnit, result: ReplicationMetrics) => {
    metrics[unit.cell]![unit.strategy]![unit.replication] = result;
    unitsDone++;
    if (--remaining[unit.cell]! === 0) {
      finished[unit.cell] = finishCell(plan[unit.cell]!, metrics[unit.cell]!);
      cellsDone++;
    }
    report();
  };

  const inFlight = new Set<Promise<void>>();
  const halted = () => failure !== undefined || abort.aborted || options.stop?.aborted === true;
  let next = 0;
  for (;;) {
    while (inFlight.size < concurrency && next < units.length && !halted()) {
      const unit = units[next++]!;
      const running: Promise<void> = options
        .runUnit(unit, abort)
        .then(
          (result) => record(unit, result),
          (error: unknown) => {
            // An abandoned unit is expected after `abort`; anything else is a real failure.
            if (!abort.aborted && failure === undefined) failure = { error };
          },
        )
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight);
  }
  if (failure !== undefined) throw failure.error;
  const cells = finished.filter((c): c is SweepCell => c !== undefined);
  return { cells, interrupted: unitsDone < units.length };
}

/**
 * Runs units of built-in balancers on this thread. Each unit first yields to the event loop, so a signal handler
 * (Ctrl-C) and progress output get their turn between simulations.
 */
export function inProcessRunner(plan: readonly CellPlan[]): UnitRunner {
  return async (unit, signal) => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (signal.aborted) throw signal.reason;
    const cell = plan[unit.cell]!;
    if (usesPlugins(cell.strategies)) throw new Error('plug-in balancers run on worker threads (src/cli/worker-pool.ts), not in this thread');
    return simulateReplication(cell.scenario, unit.replication, cell.strategies[unit.strategy]!);
  };
}
