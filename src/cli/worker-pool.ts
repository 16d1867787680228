/**
 * Runs simulation work units on worker threads (piscina). The pool is sized once; every thread
 * receives the cells' scenarios at start, and a task carries only its unit's coordinates.
 * Results come back by structured clone, bit for bit what the thread computed, and runCells
 * stores them by coordinates, so the thread count never changes the output.
 *
 * Plug-in balancers run only here, never on the main thread: the pool labels them (importing
 * and checking them on a thread), and a watchdog (plugin-watchdog.ts) stops a plug-in call that
 * does not return within `pluginTimeout`. Every mistake of a plug-in, however it shows (a
 * thrown error, a stall, a rejection it left behind, the thread dying under it), reaches the
 * caller as a BalancerPluginError, so run, compare and sweep report it alike, with status 2.
 */
import { resolve } from 'node:path';
import type { BalancerConfig } from '../balancers/configs.js';
import type { DetailedJudgement, JudgeTask, Judgement } from '../check/judge.js';
import type { ReplicationMetrics } from '../metrics/types.js';
import { BalancerPluginError } from '../plugins/errors.js';
import { pluginUses } from '../plugins/load-plugins.js';
import { importModule } from '../platform/import-module.js';
import { balancerModuleOrigin } from '../scenario/balancer-modules.js';
import { formatDuration } from '../scenario/duration.js';
import type { ScenarioProblem } from '../scenario/errors.js';
import { formatPath } from '../scenario/render-value.js';
import type { Scenario } from '../scenario/schema.js';
import type { SimEvent } from '../sim/fault-tracker.js';
import type { TimeSeriesRow } from '../sim/timeseries.js';
import type { UnitRunner, WorkUnit } from '../sweep/run-cells.js';
import { activityOfTask, createWatchMemory, startWatchdog, type Stall } from './plugin-watchdog.js';
import type { JudgeOutcome, LabelsOutcome, PluginModuleName, UnitOutcome, WorkerCell, WorkerProblem, WorkerSetup, WorkerTask } from './simulation-worker.js';

export interface WorkerPoolOptions {
  readonly threads: number;
  /** A plug-in call in progress for longer than this (ms) is stopped. */
  readonly pluginTimeout: number;
  /** Units also record events and time series, handed to onDetails. */
  readonly onDetails?: (unit: WorkUnit, events: readonly SimEvent[], timeseries: readonly TimeSeriesRow[]) => void;
  /** Names a unit in messages: "replication 3 of least_latency". */
  readonly describeUnit?: (unit: WorkUnit) => string;
}

export interface WorkerPool {
  runUnit: UnitRunner;
  /**
   * Every strategy's label, cell by cell: plug-ins are imported and checked on a thread. `cells`
   * are the main thread's own (the loader's positions live there); a problem is thrown as a
   * BalancerPluginError positioned in the scenario.
   */
  labels(cells: readonly WorkerCell[]): Promise<string[][]>;
  /** `meshsim check`: simulates and judges a schedule of cell `cell`'s scenario. */
  judge(cell: number, task: JudgeTask, signal?: AbortSignal): Promise<Judgement>;
  /** The same with the run's events, time series and SLO windows (the shown schedule). */
  judgeDetailed(cell: number, task: JudgeTask): Promise<DetailedJudgement>;
  close(): Promise<void>;
}

/** The worker entry next to this module: the bundle in dist/cli, or the source under tsx. */
function workerFile(): string {
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./simulation-worker.${extension}`, import.meta.url).href;
}

/** Every plug-in module of `cells`, once: its absolute path and the path as the user named it. */
export function pluginModuleNames(cells: readonly WorkerCell[]): PluginModuleName[] {
  const byPath = new Map<string, PluginModuleName>();
  for (const cell of cells) {
    for (const config of pluginUses(cell.scenario, cell.strategies)) {
      const path = resolve(config.module);
      if (!byPath.has(path)) byPath.set(path, { path, display: balancerModuleOrigin(config)?.display ?? config.module });
    }
  }
  return [...byPath.values()];
}

export async function createWorkerPool(cells: readonly WorkerCell[], options: WorkerPoolOptions): Promise<WorkerPool> {
  const { Piscina } = await importModule<typeof import('piscina')>('piscina');
  // Slots for the threads and the few that may replace a terminated one.
  const memory = createWatchMemory(4 * options.threads + 4);
  const modules = pluginModuleNames(cells);
  const setup: WorkerSetup = {
    cells: cells.map((c) => ({ scenario: c.scenario, strategies: c.strategies })),
    memory,
    modules,
    details: options.onDetails !== undefined,
  };
  const pool = new Piscina({
    filename: workerFile(),
    minThreads: options.threads,
    maxThreads: options.threads,
    concurrentTasksPerWorker: 1,
    workerData: setup,
  });

  let nextTask = 1;
  const running = new Map<number, { controller: AbortController; describe: () => string }>();
  const stalls = new Map<number, BalancerPluginError>();
  const watchdog = startWatchdog(memory, options.pluginTimeout, (stall) => {
    const task = running.get(stall.task);
    if (task === undefined) return;
    stalls.set(stall.task, stallError(stall, modules, options.pluginTimeout, task.describe()));
    task.controller.abort();
  });

  /** Runs one task; a plug-in's stall or a thread dying inside plug-in code becomes its BalancerPluginError. */
  async function run<T>(task: WorkerTask, describe: () => string, signal?: AbortSignal): Promise<T> {
    const controller = new AbortController();
    running.set(task.id, { controller, describe });
    try {
      return (await pool.run(task, { signal: signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]) })) as T;
    } catch (error) {
      const stalled = stalls.get(task.id);
      if (stalled !== undefined) throw stalled;
      if (signal?.aborted === true) throw error;
      const inPlugin = activityOfTask(memory, task.id);
      if (inPlugin !== undefined) {
        const module = modules[inPlugin.module]?.display ?? 'a plug-in balancer';
        throw new BalancerPluginError([
          { file: module, message: `the thread running ${inPlugin.activity} ${describe()} stopped: ${(error as Error).message}; a balancer must not end its thread or process` },
        ]);
      }
      throw error;
    } finally {
      running.delete(task.id);
    }
  }

  return {
    async runUnit(unit, signal) {
      const describe = () => options.describeUnit?.(unit) ?? `in replication ${unit.replication}`;
      const outcome = await run<UnitOutcome>({ kind: 'unit', id: nextTask++, ...unit }, describe, signal);
      if ('problems' in outcome) throw new BalancerPluginError(distinct(outcome.problems.map((p) => p.problem)));
      if (outcome.events !== undefined && outcome.timeseries !== undefined) options.onDetails?.(unit, outcome.events, outcome.timeseries);
      return outcome.metrics as ReplicationMetrics;
    },
    async judge(cell, task, signal) {
      const outcome = await run<JudgeOutcome>({ kind: 'judge', id: nextTask++, cell, task, details: false }, () => describeJudge(task), signal);
      if ('problems' in outcome) throw new BalancerPluginError(distinct(outcome.problems.map((p) => p.problem)));
      if (!('judgement' in outcome)) throw new Error('simulation worker: a judgement without details came back with them');
      return outcome.judgement;
    },
    async judgeDetailed(cell, task) {
      const outcome = await run<JudgeOutcome>({ kind: 'judge', id: nextTask++, cell, task, details: true }, () => describeJudge(task));
      if ('problems' in outcome) throw new BalancerPluginError(distinct(outcome.problems.map((p) => p.problem)));
      if (!('detailed' in outcome)) throw new Error('simulation worker: a judgement with details came back without them');
      return outcome.detailed;
    },
    async labels(labelled) {
      const cellsOut = labelled.map((c) => ({ scenario: c.scenario, strategies: c.strategies }));
      const outcome = await run<LabelsOutcome>({ kind: 'labels', id: nextTask++, cells: cellsOut }, () => 'while loading the plug-ins');
      if ('labels' in outcome) return outcome.labels;
      // The same mistake spoils every cell that uses the module: say it once.
      throw new BalancerPluginError(distinct(outcome.problems.map((p) => positioned(p, labelled))));
    },
    async close() {
      watchdog.stop();
      await pool.destroy();
    },
  };
}

/** "while judging a schedule of 2 faults (replication 0)": a check's unit in messages. */
function describeJudge(task: JudgeTask): string {
  const faults = task.faults.length === 0 ? 'the run without faults' : `a schedule of ${task.faults.length} fault${task.faults.length === 1 ? '' : 's'}`;
  return `while judging ${faults} (replication ${task.replication})`;
}

/** A worker's problem at the scenario position of the use it names, as the main thread knows it. */
function positioned(worker: WorkerProblem, cells: readonly { scenario: Scenario; strategies: readonly BalancerConfig[] }[]): ScenarioProblem {
  const cell = worker.cell === undefined ? undefined : cells[worker.cell];
  if (cell === undefined || worker.use === undefined) return worker.problem;
  const config = pluginUses(cell.scenario, cell.strategies)[worker.use];
  const path = worker.path ?? [];
  const origin = config === undefined ? undefined : balancerModuleOrigin(config);
  if (origin !== undefined) return origin.problemAt(path, worker.problem.message);
  return { ...worker.problem, ...(path.length > 0 ? { path: formatPath(path) } : {}) };
}

function stallError(stall: Stall, modules: readonly PluginModuleName[], timeout: number, unit: string): BalancerPluginError {
  const module = modules[stall.module]?.display ?? 'a plug-in balancer';
  const limit = formatDuration(timeout);
  const what =
    stall.activity === 'import'
      ? `importing it did not finish within ${limit} (a top-level await that never settles, or a loop at the top level?)`
      : `${stall.activity} did not return within ${limit} ${unit} (an endless loop?)`;
  return new BalancerPluginError([
    { file: module, message: `${what}; meshsim stopped it. If it is only slow, allow it more time with --plugin-timeout` },
  ]);
}

/** Each problem once (every client's balancer, every cell, may make the same mistake). */
function distinct(problems: readonly ScenarioProblem[]): ScenarioProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = JSON.stringify(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
