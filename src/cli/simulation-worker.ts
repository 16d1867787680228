/**
 * The worker-thread side of simulations run off the main thread: every sweep or check with more
 * than one thread, and every run, compare, sweep or check whose strategies include plug-in
 * balancers (their code runs only here, under the watchdog of src/cli/plugin-watchdog.ts).
 *
 * Tasks: `unit` runs one (cell, strategy, replication) of the cells given as workerData, so a
 * task is a few integers; `judge` simulates a fault schedule of a cell's scenario and judges it
 * against its SLO (`meshsim check`, with or without the run's events and time series);
 * `labels` imports and checks the plug-ins of the cells it carries and
 * returns every strategy's label. Mistakes of a plug-in come back as problems, never as thrown
 * errors, because a thrown error loses its class on the way to the main thread: the main
 * thread then reports them exactly as it reports a scenario error (status 2).
 *
 * A plug-in is synchronous by contract, but it may start asynchronous work: a rejection nobody
 * handles, or an exception thrown from a timer, is recorded (instead of ending the thread with
 * Node's stack trace) and fails the task that ran it, once the task's own work is done.
 *
 * Bundled as its own entry (dist/cli/simulation-worker.js) so it loads under plain node.
 */
import { workerData } from 'piscina';
import type { BalancerConfig } from '../balancers/configs.js';
import { judgeSchedule, judgeScheduleDetailed, type DetailedJudgement, type JudgeTask, type Judgement } from '../check/judge.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import type { PluginRegistry } from '../plugins/load-plugins.js';
import { ScenarioError, type ScenarioProblem } from '../scenario/errors.js';
import type { KeyPath } from '../scenario/issues.js';
import type { Scenario } from '../scenario/schema.js';
import type { SimEvent } from '../sim/fault-tracker.js';
import { simulateReplication, simulateReplicationDetailed } from '../sim/run-scenario.js';
import type { TimeSeriesRow } from '../sim/timeseries.js';
import { usesPlugins } from '../sweep/run-cells.js';
import { claimWatchSlot } from './plugin-watchdog.js';

export interface PluginModuleName {
  readonly path: string;
  readonly display: string;
}

/** One cell as a worker gets it: its resolved scenario and strategies. */
export interface WorkerCell {
  scenario: Scenario;
  strategies: readonly BalancerConfig[];
}

/** What the pool hands every thread once. */
export interface WorkerSetup {
  cells: readonly WorkerCell[];
  /** The watchdog's shared memory (plugin-watchdog.ts). */
  memory: SharedArrayBuffer;
  /** Every plug-in module: its absolute path and the path as the user named it, in the watchdog's order. */
  modules: readonly PluginModuleName[];
  /** Units also return their events and time series (run and compare with faults). */
  details: boolean;
}

export type WorkerTask =
  | { kind: 'unit'; id: number; cell: number; strategy: number; replication: number }
  | { kind: 'labels'; id: number; cells: readonly WorkerCell[] }
  | { kind: 'judge'; id: number; cell: number; task: JudgeTask; details: boolean };

/** A problem of a plug-in; `use` and `cell` let the main thread position it in the scenario. */
export interface WorkerProblem {
  readonly problem: ScenarioProblem;
  readonly cell?: number;
  /** Index into pluginUses(cell scenario, cell strategies), with the key path inside that config. */
  readonly use?: number;
  readonly path?: KeyPath;
}

export type UnitOutcome =
  | { metrics: ReplicationMetrics; events?: readonly SimEvent[]; timeseries?: readonly TimeSeriesRow[] }
  | { problems: WorkerProblem[] };

export type LabelsOutcome = { labels: string[][] } | { problems: WorkerProblem[] };

export type JudgeOutcome = { judgement: Judgement } | { detailed: DetailedJudgement } | { problems: WorkerProblem[] };

const setup = workerData as WorkerSetup;
const slot = claimWatchSlot(setup.memory, setup.modules.map((m) => m.path));
const watch = slot?.watch;
const displays = new Map(setup.modules.map((m) => [m.path, m.display]));

// Asynchronous failures of plug-in code: recorded here, reported by the task that follows them.
const asyncFailures: unknown[] = [];
process.on('unhandledRejection', (reason) => asyncFailures.push(reason));
process.on('uncaughtException', (error) => asyncFailures.push(error));

// Plug-ins of a cell are imported on the first unit of that cell that needs them.
const registries = new Map<number, Promise<PluginRegistry>>();

async function pluginsOf(cellIndex: number, cell: WorkerCell): Promise<PluginRegistry> {
  let registry = registries.get(cellIndex);
  if (registry === undefined) {
    const { loadBalancerPlugins } = await import('../plugins/load-plugins.js');
    registry = loadBalancerPlugins(cell.scenario, { strategies: cell.strategies, watch, displays });
    registries.set(cellIndex, registry);
  }
  return registry;
}

export default async function runTask(task: WorkerTask): Promise<UnitOutcome | LabelsOutcome | JudgeOutcome> {
  slot?.setTask(task.id);
  let outcome: UnitOutcome | LabelsOutcome | JudgeOutcome;
  try {
    outcome = task.kind === 'labels' ? await labels(task.cells) : task.kind === 'judge' ? await judge(task) : await unit(task);
  } catch (error) {
    const problems = pluginProblems(error);
    if (problems === undefined) throw error;
    outcome = { problems };
  }
  // Let rejections the plug-in left behind surface before the task counts as done.
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (asyncFailures.length > 0) return { problems: asyncFailures.splice(0).map(describeAsyncFailure) };
  return outcome;
}

/** Only cells with plug-ins get a factory, exactly as on the main thread, so a cell runs the same code whichever thread runs it. */
async function optionsOf(cellIndex: number, cell: WorkerCell) {
  return usesPlugins(cell.strategies) ? { createBalancer: (await pluginsOf(cellIndex, cell)).createBalancer } : {};
}

async function unit(task: Extract<WorkerTask, { kind: 'unit' }>): Promise<UnitOutcome> {
  const cell = setup.cells[task.cell];
  const balancer = cell?.strategies[task.strategy];
  if (cell === undefined || balancer === undefined) throw new Error(`simulation worker: no cell ${task.cell} strategy ${task.strategy} in the plan`);
  const options = await optionsOf(task.cell, cell);
  if (!setup.details) return { metrics: simulateReplication(cell.scenario, task.replication, balancer, options) };
  const detailed = simulateReplicationDetailed(cell.scenario, task.replication, balancer, options);
  return { metrics: detailed.metrics, events: detailed.events, timeseries: detailed.timeseries };
}

/** A check's schedule on the cell's scenario (its balancer is the cell's only strategy). */
async function judge(task: Extract<WorkerTask, { kind: 'judge' }>): Promise<JudgeOutcome> {
  const cell = setup.cells[task.cell];
  if (cell === undefined) throw new Error(`simulation worker: no cell ${task.cell} in the plan`);
  const options = await optionsOf(task.cell, cell);
  return task.details ? { detailed: judgeScheduleDetailed(cell.scenario, task.task, options) } : { judgement: judgeSchedule(cell.scenario, task.task, options) };
}

async function labels(cells: readonly WorkerCell[]): Promise<LabelsOutcome> {
  const { loadBalancerPlugins } = await import('../plugins/load-plugins.js');
  const problems: WorkerProblem[] = [];
  const labelled: string[][] = [];
  for (const [cellIndex, cell] of cells.entries()) {
    // The main thread knows where each use was written: remember the use and the key path of
    // each problem, to hand them back with it.
    const uses = new Map<ScenarioProblem, { use: number; path: KeyPath }>();
    try {
      const registry = await loadBalancerPlugins(cell.scenario, {
        strategies: cell.strategies,
        watch,
        displays,
        problemAt: (use, path, message) => {
          const problem: ScenarioProblem = use.display === undefined ? { message } : { file: use.display, message };
          uses.set(problem, { use: use.index, path });
          return problem;
        },
      });
      labelled.push(cell.strategies.map(registry.label));
    } catch (error) {
      const found = pluginProblems(error);
      if (found === undefined) throw error;
      problems.push(...found.map((p) => ({ ...p, ...uses.get(p.problem), cell: cellIndex })));
    }
  }
  return problems.length > 0 ? { problems } : { labels: labelled };
}

/** The problems of a plug-in's mistake (a BalancerPluginError), or undefined for anything else. */
function pluginProblems(error: unknown): WorkerProblem[] | undefined {
  return error instanceof ScenarioError ? error.problems.map((problem) => ({ problem })) : undefined;
}

/** A rejection or exception no one handled, blamed on the plug-in module whose code it names. */
function describeAsyncFailure(reason: unknown): WorkerProblem {
  const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : `a non-Error value ${String(reason)}`;
  const stack = reason instanceof Error ? (reason.stack ?? '') : '';
  const module = setup.modules.find((m) => stack.includes(m.path));
  const where = module === undefined ? '' : ` (${stackLocation(stack, module.path)})`;
  return {
    problem: {
      ...(module === undefined ? {} : { file: module.display }),
      message: `asynchronous work of a plug-in balancer failed and nothing handled it: ${text}${where}; a balancer must not leave promises or timers behind`,
    },
  };
}

/** `p.js:12:9` from the first stack frame inside `module`. */
function stackLocation(stack: string, module: string): string {
  const at = stack.indexOf(module);
  const match = /^:(\d+):(\d+)/.exec(stack.slice(at + module.length));
  const name = module.slice(module.lastIndexOf('/') + 1);
  return match === null ? name : `${name}:${match[1]}:${match[2]}`;
}
