/**
 * `meshsim sweep`: a parameter grid × strategies × replications, on worker threads.
 *
 * Ctrl-C: the first stops scheduling and lets running simulations finish; a second abandons
 * them. Either way the finished cells are written (sweep.json says `interrupted: true` and
 * lists them), every file atomically, and the exit status is 130.
 */
import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { checkOutputFolder } from '../output/result-folder.js';
import { formatScenarioJson } from '../output/scenario-json.js';
import { writeSweepOutputs } from '../output/sweep-files.js';
import { formatSweepTable } from '../output/sweep-table.js';
import { combineEstimates, estimateScenario } from '../sim/resource-estimate.js';
import { inProcessRunner, runCells, usesPlugins, workUnits, type CellPlan, type UnitRunner } from '../sweep/run-cells.js';
import { inShard } from '../sweep/grid.js';
import { sweepResult } from '../sweep/sweep-result.js';
import type { ShardSpec } from '../sweep/types.js';
import { createSweepProgress } from './progress.js';
import { outputFolderName } from './run-command.js';
import { parseBalancerSpecs } from './strategies.js';
import { parseParamFlags, parseShard } from './sweep-params.js';
import { labelPluginCells, resolveSweepPlan, type SweepPlan } from './sweep-plan.js';
import { checkResources, plural, type ResourceFlags } from './resource-limits.js';
import { DEFAULT_PLUGIN_TIMEOUT_MS, type PluginFlags } from './plugin-flags.js';
import { createWorkerPool } from './worker-pool.js';

export interface SweepFlags extends ResourceFlags, PluginFlags {
  param: string[];
  balancers: string[];
  workers?: number;
  shard?: string;
  out?: string;
  set: string[];
  seed?: number;
  replications?: number;
  quiet?: boolean;
  /** Also write the charts and report.html (`meshsim report`) into `<out>/report`. */
  report?: boolean;
}

/** Exit status of a run stopped by SIGINT, as shells report it (128 + 2). */
const INTERRUPTED_EXIT = 130;

function defaultOutput(name: string, shard: ShardSpec | undefined): string {
  const dir = join('out', `${outputFolderName(name)}-sweep`);
  return shard === undefined ? dir : join(dir, `shard-${shard.index}-of-${shard.count}`);
}

/** Ctrl-C handling for the duration of a run: first stop, then abort. */
function interruptHandling(quiet: boolean) {
  const stop = new AbortController();
  const abort = new AbortController();
  const onSigint = () => {
    if (!stop.signal.aborted) {
      stop.abort();
      process.stderr.write('\nmeshsim: interrupted; finishing the running simulations (Ctrl-C again to abandon them)\n');
    } else if (!abort.signal.aborted) {
      abort.abort();
      if (!quiet) process.stderr.write('\nmeshsim: abandoning the running simulations\n');
    }
  };
  process.on('SIGINT', onSigint);
  return { stop: stop.signal, abort: abort.signal, dispose: () => process.off('SIGINT', onSigint) };
}

export async function sweepCommand(file: string, flags: SweepFlags): Promise<void> {
  const params = parseParamFlags(flags.param);
  const balancers = parseBalancerSpecs(flags.balancers);
  const shard = flags.shard === undefined ? undefined : parseShard(flags.shard);
  const set = [...flags.set];
  if (flags.seed !== undefined) set.push(`seed=${flags.seed}`);
  if (flags.replications !== undefined) set.push(`replications=${flags.replications}`);

  const plan = resolveSweepPlan({ file, set, params, balancers });
  if (!flags.quiet) for (const warning of plan.warnings) process.stderr.write(`meshsim: warning: ${warning}\n`);
  const cells = plan.cells.filter((c) => inShard(c.index, shard));
  const units = workUnits(cells).length;
  const threads = Math.max(1, Math.min(flags.workers ?? availableParallelism(), units));
  checkSweepResources(plan, cells, threads, flags);
  const dir = flags.out ?? defaultOutput(plan.base.name, shard);
  checkOutputFolder(dir);

  // One thread of built-in balancers runs in this process: no pool to start, and the numbers are
  // the same. Plug-ins run on worker threads however many there are, under the watchdog.
  const plugins = plan.cells.some((c) => usesPlugins(c.strategies));
  const pool =
    threads > 1 || plugins
      ? await createWorkerPool(cells, {
          threads,
          pluginTimeout: flags.pluginTimeout ?? DEFAULT_PLUGIN_TIMEOUT_MS,
          describeUnit: (unit) => `in cell ${cells[unit.cell]!.index}, ${cells[unit.cell]!.labels[unit.strategy]}, replication ${unit.replication}`,
        })
      : undefined;
  const interrupt = interruptHandling(flags.quiet === true);
  const progress = createSweepProgress(plan.base.name, !flags.quiet);
  let outcome;
  try {
    if (pool !== undefined) await labelPluginCells(plan, pool.labels);
    const runUnit: UnitRunner = pool?.runUnit ?? inProcessRunner(cells);
    // A few tasks queued per thread so no thread waits for the main thread between units.
    const concurrency = pool === undefined ? 1 : 2 * threads;
    // Every unit in flight listens to the abort signal; that many listeners is expected, not a leak.
    setMaxListeners(concurrency + 10, interrupt.abort);
    outcome = await runCells(cells, {
      runUnit,
      concurrency,
      stop: interrupt.stop,
      abort: interrupt.abort,
      onProgress: (counts) => progress.update(counts),
    });
  } finally {
    progress.stop();
    await pool?.close();
    interrupt.dispose();
  }

  const sweep = sweepResult({ base: plan.base, params, strategies: plan.strategies, shard, outcome });
  const written = writeSweepOutputs(dir, sweep, formatScenarioJson(plan.base));
  process.stdout.write(formatSweepTable(sweep));
  if (outcome.interrupted) {
    process.stderr.write(`meshsim: interrupted: wrote ${sweep.cells.length} of ${cells.length} cells to ${dir}\n`);
    process.exitCode = INTERRUPTED_EXIT;
  } else if (!flags.quiet) {
    process.stderr.write(`meshsim: wrote ${written.join(', ')}\n`);
  }
  if (flags.report) await (await import('./report-command.js')).reportAfterResults(dir, flags);
}

/** The pre-run check over this run's cells; a refusal is blamed on the heaviest cell's keys. */
function checkSweepResources(plan: SweepPlan, cells: readonly CellPlan[], threads: number, flags: SweepFlags): void {
  const estimates = cells.map((c) => estimateScenario(c.scenario, c.strategies));
  const estimate = combineEstimates(estimates);
  const heaviest = estimates.reduce((best, e, i) => (e.events > estimates[best]!.events ? i : best), 0);
  const problemAt = plan.problemAt[plan.cells.indexOf(cells[heaviest]!)] ?? ((_path, message) => ({ message }));
  const simulations = `${plural(estimate.simulations, 'simulation')} over ${plural(cells.length, 'cell')}`;
  const note = checkResources(estimate, flags, { problemAt, threads, simulations });
  if (note !== undefined && !flags.quiet) process.stderr.write(`meshsim: ${note}\n`);
}
