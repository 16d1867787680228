import './zod-jitless.js';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadBalancerPlugins } from '../plugins/load-plugins.js';
import { loadScenarioFile } from '../scenario/load.js';
import { runsOnFastPath } from '../sim/fast-simulation.js';
import { scenarioSlo } from '../slo/plan.js';
import { runScenario, type ReplicationDetails } from '../sim/run-scenario.js';
import { EVENTS_CSV, TIMESERIES_CSV, formatEventsCsv, formatTimeseriesCsv } from '../output/details-csv.js';
import { formatSummaryJson } from '../output/summary-json.js';
import { formatTable } from '../output/table.js';
import { writeOutputFiles, writeRunOutputs } from '../output/write-files.js';
import { createProgress } from './progress.js';

export interface RunFlags {
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
  const { scenario, warnings } = loadScenarioFile(file, { set });
  if (!flags.quiet) for (const warning of warnings) process.stderr.write(`meshsim: warning: ${warning}\n`);
  // Plug-in balancer modules are imported (asynchronously) before the synchronous run.
  const plugins = await loadBalancerPlugins(scenario);

  const progress = createProgress(scenario.name, !flags.quiet);
  const started = performance.now();
  // Events and time series are recorded when there is something to see in them: faults,
  // detectors or retries (or when asked for); fault-free runs keep the fast path.
  const details: ReplicationDetails[] = [];
  const recordDetails = flags.timeseries === true || !runsOnFastPath(scenario, {});
  let result;
  try {
    result = runScenario(scenario, {
      createBalancer: plugins.createBalancer,
      label: plugins.label,
      onReplication: (done, total) => progress.update(done, total),
      ...(recordDetails ? { onDetails: (d: ReplicationDetails) => details.push(d) } : {}),
    });
  } finally {
    progress.stop();
  }
  const simulationSeconds = (performance.now() - started) / 1000;
  const dir = flags.out ?? join('out', outputFolderName(scenario.name));
  const written = writeRunOutputs(dir, result, scenario);
  if (recordDetails) {
    written.push(
      ...writeOutputFiles(dir, [
        [EVENTS_CSV, formatEventsCsv(details)],
        [TIMESERIES_CSV, formatTimeseriesCsv(details)],
      ]),
    );
  }

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
