import './zod-jitless.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadScenarioFile } from '../scenario/load.js';
import { runsOnFastPath } from '../sim/fast-simulation.js';
import { estimateScenario } from '../sim/resource-estimate.js';
import type { ReplicationDetails } from '../sim/run-scenario.js';
import { scenarioSlo } from '../slo/plan.js';
import { EVENTS_CSV, TIMESERIES_CSV, formatEventsCsv, formatTimeseriesCsv } from '../output/details-csv.js';
import { formatSummaryJson } from '../output/summary-json.js';
import { formatTable } from '../output/table.js';
import { checkOutputFolder } from '../output/result-folder.js';
import { writeRunOutputs } from '../output/write-files.js';
import { DEFAULT_PLUGIN_TIMEOUT_MS, type PluginFlags } from './plugin-flags.js';
import { createProgress } from './progress.js';
import { prepareScenarioRun } from './scenario-runner.js';
import { checkResources, plural, type ResourceFlags } from './resource-limits.js';

export interface RunFlags extends ResourceFlags, PluginFlags {
  out?: string;
  set: string[];
  seed?: number;
  replications?: number;
  format: 'table' | 'json';
  quiet?: boolean;
  timing?: boolean;
  /** Also write the charts and report.html (`meshsim report`) into `<out>/report`. */
  report?: boolean;
  /** Write events.csv and timeseries.csv even for a run without faults or detectors. */
  timeseries?: boolean;
}

/** A folder name from a scenario name: letters, digits, dot, dash and underscore. */
export function outputFolderName(scenarioName: string): string {
  return scenarioName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
}

export async function runCommand(file: string, flags: RunFlags): Promise<void> {
  // Flags become overrides, so they are validated exactly like the file's own keys.
  const set = [...flags.set];
  if (flags.seed !== undefined) set.push(`seed=${flags.seed}`);
  if (flags.replications !== undefined) set.push(`replications=${flags.replications}`);
  const loaded = loadScenarioFile(file, { set });
  const { scenario, warnings } = loaded;
  if (!flags.quiet) for (const warning of warnings) process.stderr.write(`meshsim: warning: ${warning}\n`);
  // Events and time series are recorded when there is something to see in them: faults,
  // detectors or retries (or when asked for); fault-free runs keep the fast path.
  const recordDetails = flags.timeseries === true || !runsOnFastPath(scenario, {});
  // Work, memory and where the results go are checked before the work, not after it.
  const estimate = estimateScenario(scenario, [scenario.balancer], { details: recordDetails });
  const note = checkResources(estimate, flags, { problemAt: loaded.problemAt, simulations: plural(scenario.replications, 'replication') });
  if (note !== undefined && !flags.quiet) process.stderr.write(`meshsim: ${note}\n`);
  const dir = flags.out ?? join('out', outputFolderName(scenario.name));
  checkOutputFolder(dir);
  // Plug-ins are imported and checked on a worker thread, where they then run (scenario-runner.ts).
  const runner = await prepareScenarioRun(scenario, [scenario.balancer], {
    details: recordDetails,
    pluginTimeout: flags.pluginTimeout ?? DEFAULT_PLUGIN_TIMEOUT_MS,
  });

  const progress = createProgress(scenario.name, !flags.quiet);
  const started = performance.now();
  let result;
  let details: ReplicationDetails[];
  try {
    ({ result, details } = await runner.run({ labels: runner.labels, onReplication: (done, total) => progress.update(done, total) }));
  } finally {
    progress.stop();
    await runner.close();
  }
  const simulationSeconds = (performance.now() - started) / 1000;
  const written = writeRunOutputs(
    dir,
    result,
    scenario,
    recordDetails
      ? [
          [EVENTS_CSV, formatEventsCsv(details)],
          [TIMESERIES_CSV, formatTimeseriesCsv(details)],
        ]
      : [],
  );

  if (flags.timing) {
    const simulated = result.results.reduce((sum, r) => sum + r.replicationMetrics.reduce((a, m) => a + m.arrived, 0), 0);
    process.stderr.write(
      `meshsim: timing: ${simulated} requests simulated in ${simulationSeconds.toFixed(3)} s ` +
        `(${Math.round(simulated / simulationSeconds)} requests/s), ` +
        `${(performance.now() / 1000).toFixed(3)} s since the process started\n`,
    );
  }

  if (flags.format === 'json') {
    process.stdout.write(formatSummaryJson(result));
  } else {
    const options = { color: process.stdout.isTTY === true, slo: scenarioSlo(scenario), ...(scenario.timeout === undefined ? {} : { timeout: scenario.timeout }) };
    process.stdout.write(formatTable(result, options));
    if (!flags.quiet) process.stderr.write(`meshsim: wrote ${written.join(', ')}\n`);
  }
  // After the results are out; loaded only when asked for, as vega and resvg take most of a second.
  if (flags.report) await (await import('./report-command.js')).reportAfterResults(dir, flags);
}
