/**
 * `meshsim compare`: several strategies on one scenario under common random numbers, each
 * against a baseline by paired differences per replication (see analysis/compare.ts).
 * Writes the run folder (one result per strategy) plus comparison.json and comparison.csv.
 */
import './zod-jitless.js';
import { join } from 'node:path';
import {
  COMPARED_METRICS,
  compareStrategies,
  sortByMetric,
  uniqueLabels,
  type ComparisonRow,
} from '../analysis/compare.js';
import type { RunResult } from '../analysis/types.js';
import { balancerLabel } from '../balancers/registry.js';
import type { BalancerConfig } from '../balancers/configs.js';
import { formatComparisonCsv, formatComparisonJson } from '../output/comparison-files.js';
import { formatComparisonTable } from '../output/comparison-table.js';
import { formatTable } from '../output/table.js';
import { checkOutputFolder, writeResultFolder } from '../output/result-folder.js';
import { runOutputFiles } from '../output/write-files.js';
import { loadScenarioFile } from '../scenario/load.js';
import { closestMatch } from '../scenario/suggest.js';
import type { ReplicationDetails } from '../sim/run-scenario.js';
import { runsOnFastPath } from '../sim/fast-simulation.js';
import { estimateScenario } from '../sim/resource-estimate.js';
import { EVENTS_CSV, TIMESERIES_CSV, formatEventsCsv, formatTimeseriesCsv } from '../output/details-csv.js';
import { UsageError } from './errors.js';
import { DEFAULT_PLUGIN_TIMEOUT_MS, type PluginFlags } from './plugin-flags.js';
import { createProgress } from './progress.js';
import { prepareScenarioRun } from './scenario-runner.js';
import { checkResources, plural, type ResourceFlags } from './resource-limits.js';
import { outputFolderName } from './run-command.js';
import { parseBalancerSpecs } from './strategies.js';

export interface CompareFlags extends ResourceFlags, PluginFlags {
  balancers: string[];
  baseline?: string;
  metric: string;
  out?: string;
  set: string[];
  seed?: number;
  replications?: number;
  format: 'table' | 'json';
  quiet?: boolean;
  /** Also write the charts and report.html (`meshsim report`) into `<out>/report`. */
  report?: boolean;
}

export const COMPARISON_JSON = 'comparison.json';
export const COMPARISON_CSV = 'comparison.csv';

function checkMetric(metric: string): void {
  const paths = COMPARED_METRICS.map((m) => m.path);
  if (paths.includes(metric)) return;
  const near = closestMatch(metric, paths);
  throw new UsageError(
    `--metric ${metric}: expected one of ${paths.join(', ')}${near === undefined ? '' : `; did you mean ${near}?`}`,
  );
}

/** The baseline's label: an exact label, or a kind that only one strategy has. */
function resolveBaseline(wanted: string | undefined, labels: readonly string[], strategies: readonly BalancerConfig[]): string {
  if (wanted === undefined) return labels[0]!;
  if (labels.includes(wanted)) return wanted;
  const byKind = labels.filter((_, i) => strategies[i]!.kind === wanted);
  if (byKind.length === 1) return byKind[0]!;
  const near = closestMatch(wanted, labels);
  const hint = byKind.length > 1 ? `; several strategies are ${wanted}, name one by its label` : near === undefined ? '' : `; did you mean ${near}?`;
  throw new UsageError(`--baseline ${wanted}: expected one of the strategies' labels: ${labels.join(', ')}${hint}`);
}

/** Rows for the terminal: strategies best first by `metric`, and `metric` first in each. */
function displayOrder(rows: readonly ComparisonRow[], run: RunResult, metric: string): ComparisonRow[] {
  const order = sortByMetric(run.results, metric).map((r) => r.label);
  const metricRank = (r: ComparisonRow) => (r.metric === metric ? -1 : COMPARED_METRICS.findIndex((m) => m.path === r.metric));
  return [...rows].sort((a, b) => order.indexOf(a.label) - order.indexOf(b.label) || metricRank(a) - metricRank(b));
}

export async function compareCommand(file: string, flags: CompareFlags): Promise<void> {
  checkMetric(flags.metric);
  const fromFlag = parseBalancerSpecs(flags.balancers);
  const set = [...flags.set];
  if (flags.seed !== undefined) set.push(`seed=${flags.seed}`);
  if (flags.replications !== undefined) set.push(`replications=${flags.replications}`);
  const loaded = loadScenarioFile(file, { set });
  const { scenario, warnings } = loaded;

  const strategies = fromFlag.length > 0 ? fromFlag : (scenario.compare ?? []);
  if (strategies.length === 0) {
    throw new UsageError(`compare needs strategies: give --balancers SPEC,SPEC or a \`compare:\` list in ${file}`);
  }
  if (strategies.length < 2) {
    throw new UsageError(`compare needs at least two strategies; found only ${balancerLabel(strategies[0]!)}`);
  }
  // As for run: events and time series when there are faults, detectors or retries.
  const recordDetails = !runsOnFastPath(scenario, {});
  const estimate = estimateScenario(scenario, strategies, { details: recordDetails });
  const simulations = `${plural(scenario.replications, 'replication')} × ${plural(strategies.length, 'strategy', 'strategies')}`;
  const note = checkResources(estimate, flags, { problemAt: loaded.problemAt, simulations });
  if (!flags.quiet) for (const warning of warnings) process.stderr.write(`meshsim: warning: ${warning}\n`);
  if (note !== undefined && !flags.quiet) process.stderr.write(`meshsim: ${note}\n`);
  const dir = flags.out ?? join('out', `${outputFolderName(scenario.name)}-compare`);
  checkOutputFolder(dir);
  // Plug-ins are imported and checked on a worker thread, where they then run (scenario-runner.ts).
  const runner = await prepareScenarioRun(scenario, strategies, {
    details: recordDetails,
    pluginTimeout: flags.pluginTimeout ?? DEFAULT_PLUGIN_TIMEOUT_MS,
  });
  const labels = uniqueLabels(runner.labels);
  let baseline: string;
  try {
    baseline = resolveBaseline(flags.baseline, labels, strategies);
  } catch (error) {
    await runner.close();
    throw error;
  }

  const progress = createProgress(scenario.name, !flags.quiet);
  let run: RunResult;
  let details: ReplicationDetails[];
  try {
    ({ result: run, details } = await runner.run({ labels, onReplication: (done, total) => progress.update(done, total) }));
  } finally {
    progress.stop();
    await runner.close();
  }
  // Two identical strategies get the same label from the registry; the results keep the unique one.
  run = { ...run, results: run.results.map((r, i) => ({ ...r, label: labels[i]! })) };
  const rows = compareStrategies(run.results, baseline);

  const written = writeResultFolder(dir, 'compare', [
    ...runOutputFiles(run, scenario),
    [COMPARISON_JSON, formatComparisonJson(run, baseline, rows)],
    [COMPARISON_CSV, formatComparisonCsv(run, rows)],
    ...(recordDetails
      ? ([
          [EVENTS_CSV, formatEventsCsv(details)],
          [TIMESERIES_CSV, formatTimeseriesCsv(details)],
        ] as const)
      : []),
  ]);

  const report = async () => {
    if (flags.report) await (await import('./report-command.js')).reportAfterResults(dir, flags);
  };
  if (flags.format === 'json') {
    process.stdout.write(formatComparisonJson(run, baseline, rows));
    await report();
    return;
  }
  const color = process.stdout.isTTY === true;
  const sorted: RunResult = { ...run, results: sortByMetric(run.results, flags.metric) };
  process.stdout.write(formatTable(sorted, { color }));
  process.stdout.write('\n');
  process.stdout.write(formatComparisonTable(displayOrder(rows, run, flags.metric), { baseline, replications: run.replications }));
  if (!flags.quiet) process.stderr.write(`meshsim: wrote ${written.join(', ')}\n`);
  await report();
}
