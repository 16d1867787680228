/**
 * `meshsim check SCENARIO`: searches the scenario's `faultSpace:` for the smallest fault
 * schedule that breaks its `slo:` (src/check/search.ts) and writes what it found.
 *
 * Exit status, for CI: 0 the SLO held within the budget; 3 a guarantee was violated (a
 * counterexample was written, also when the fault-free run breaks it); 4 inconclusive (a time
 * limit or Ctrl-C stopped the search before `minRuns`); 2 invalid input; 1 an internal error,
 * including a replay whose margin differs from the one recorded.
 *
 * Ctrl-C: the first stops the search at the next batch and writes what was found (every file
 * atomically); a second quits at once with status 130 and writes nothing.
 */
import './zod-jitless.js';
import type { TopLevelSpec } from 'vega-lite';
import { rmSync } from 'node:fs';
import { parse } from 'yaml';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkScenario, type CheckOutcome } from '../check/search.js';
import { estimateCheck } from '../check/estimate.js';
import { inProcessJudge, judgeScheduleDetailed, type DetailedJudgement, type JudgeTask, type Judgement } from '../check/judge.js';
import type { SimulationBudget } from '../check/search.js';
import { balancerLabel } from '../balancers/registry.js';
import type { Finding } from '../check/coverage.js';
import { EVENTS_CSV, TIMESERIES_CSV, formatEventsCsv, formatTimeseriesCsv } from '../output/details-csv.js';
import { CHECK_JSON, formatCheckJson, totalRuns } from '../output/check-json.js';
import {
  CHECK_FILE_NAMES,
  COUNTEREXAMPLE,
  WORST,
  counterexampleHeader,
  findingScenario,
  provenanceOf,
  scenarioFingerprint,
  worstHeader,
} from '../output/check-files.js';
import { formatScenarioYaml } from '../output/scenario-yaml.js';
import { formatDuration } from '../scenario/duration.js';
import { describeUnit, formatCheckTable } from '../output/check-table.js';
import { formatSignificant } from '../output/table.js';
import { checkCounterexampleSpec } from '../report/specs/check-counterexample.js';
import { faultWindows } from '../report/specs/fault-timeseries.js';
import { checkOutputFolder, writeResultFolder } from '../output/result-folder.js';
import { ScenarioError } from '../scenario/errors.js';
import { loadScenarioFile, resolveScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { usesPlugins } from '../sweep/run-cells.js';
import { scenarioSlo } from '../slo/plan.js';
import { createCheckPool } from './check-pool.js';
import { createCheckProgress } from './check-progress.js';
import { UsageError } from './errors.js';
import { DEFAULT_PLUGIN_TIMEOUT_MS, type PluginFlags } from './plugin-flags.js';
import { checkResources, formatCount, plural, type ResourceFlags } from './resource-limits.js';
import { outputFolderName } from './run-command.js';

export interface CheckFlags extends ResourceFlags, PluginFlags {
  out?: string;
  set: string[];
  runs?: number;
  timeLimit?: string;
  seed?: number;
  minRuns?: number;
  path?: string;
  /** commander's `--no-shrink`. */
  shrink: boolean;
  replay?: boolean;
  guarantee: string[];
  workers?: number;
  format: 'table' | 'json';
  /** commander's `--no-chart`. */
  chart: boolean;
  timing?: boolean;
  quiet?: boolean;
}

/** Exit status of each outcome. */
const CHECK_EXIT = { held: 0, violated: 3, inconclusive: 4 } as const;
const SIGINT_EXIT = 130;

/** The scenario the search runs: `--guarantee` keeps only the objectives named. */
function withGuarantees(scenario: Scenario, names: readonly string[]): Scenario {
  if (names.length === 0) return scenario;
  const objectives = scenarioSlo(scenario).objectives;
  const unknown = names.filter((n) => !objectives.some((o) => o.name === n));
  if (unknown.length > 0) {
    throw new UsageError(`--guarantee: no objective named ${unknown.map((n) => `"${n}"`).join(', ')}; the SLO has ${objectives.map((o) => `"${o.name}"`).join(', ')}`);
  }
  return { ...scenario, slo: objectives.filter((o) => names.includes(o.name)) };
}

function interruptHandling(quiet: boolean) {
  const stop = new AbortController();
  const onSigint = () => {
    if (!stop.signal.aborted) {
      stop.abort();
      if (!quiet) process.stderr.write('\nmeshsim: interrupted; writing what was found (Ctrl-C again to quit without writing)\n');
    } else {
      process.stderr.write('\nmeshsim: quit\n');
      process.exit(SIGINT_EXIT);
    }
  };
  process.on('SIGINT', onSigint);
  return { stop: stop.signal, dispose: () => process.off('SIGINT', onSigint) };
}

export async function checkCommand(file: string, flags: CheckFlags): Promise<void> {
  // Flags become overrides of `search:`, so they are validated exactly like the file's keys.
  const set = [...flags.set];
  if (flags.runs !== undefined) set.push(`search.runs=${flags.runs}`);
  if (flags.timeLimit !== undefined) set.push(`search.timeLimit=${flags.timeLimit}`);
  if (flags.seed !== undefined) set.push(`search.seed=${flags.seed}`);
  if (flags.minRuns !== undefined) set.push(`search.minRuns=${flags.minRuns}`);
  if (flags.path !== undefined && !/^\d+(:\d+)*$/.test(flags.path)) {
    throw new UsageError(`--path expects a fast-check path such as 12:0:3 (from check.json), found "${flags.path}"`);
  }
  const loaded = loadScenarioFile(file, { set });
  if (!flags.replay && loaded.scenario.faultSpace === undefined) {
    throw new ScenarioError([
      {
        file,
        message:
          'expected a `faultSpace:` for `meshsim check` to search, such as `faultSpace: { kinds: { crash: { for: [1s, 30s] }, hang: { for: [1s, 30s] } } }` (docs/check.md); ' +
          'or `--replay` to judge the scenario’s own faults',
      },
    ]);
  }
  const scenario = withGuarantees(loaded.scenario, flags.guarantee);
  const warn = (text: string) => {
    if (!flags.quiet) process.stderr.write(`meshsim: warning: ${text}\n`);
  };
  loaded.warnings.forEach(warn);
  if (!flags.replay && scenario.faults.length > 0) {
    warn(`check replaces the scenario's ${scenario.faults.length} fault(s) with the schedules it tries; use --replay to judge them`);
  }
  if (scenario.replications > 1) warn(`check judges replication 0 (the scenario seed); the other ${scenario.replications - 1} serve only to re-judge a counterexample (search.robustness)`);
  // Plug-in code runs only on worker threads, under the watchdog (one thread at --workers 1);
  // without plug-ins, --workers 1 judges on this thread, which is faster.
  const threads = Math.max(1, flags.workers ?? availableParallelism());
  const onThreads = threads > 1 || usesPlugins([scenario.balancer]);
  const mode = { shrink: flags.shrink, replay: flags.replay === true, ...(flags.path !== undefined && { path: flags.path }) };
  // Work, memory and where the results go are checked before the search, not after it.
  const { estimate, budget } = estimateCheck(scenario, mode);
  const note = checkResources(estimate, flags, {
    problemAt: loaded.problemAt,
    threads: onThreads ? threads : 1,
    simulations: describeBudget(budget),
    countPath: ['search', 'runs'],
    countHint: timeLimitHint(scenario),
  });
  if (note !== undefined && !flags.quiet) process.stderr.write(`meshsim: ${note}\n`);
  const dir = flags.out ?? join('out', `${outputFolderName(scenario.name)}-check`);
  checkOutputFolder(dir);

  const pool = onThreads ? await createCheckPool(scenario, { threads, pluginTimeout: flags.pluginTimeout ?? DEFAULT_PLUGIN_TIMEOUT_MS }) : undefined;
  let outcome: CheckOutcome;
  let written: string[];
  let wallSeconds: number;
  try {
    const interrupt = interruptHandling(flags.quiet === true);
    const progress = createCheckProgress(`check ${scenario.name}`, !flags.quiet);
    const started = performance.now();
    try {
      outcome = await checkScenario(scenario, {
        runner: pool?.runner ?? inProcessJudge(scenario),
        batch: pool === undefined ? 1 : 2 * threads,
        clock: () => performance.now(),
        stop: interrupt.stop,
        onProgress: (p) => progress.update(p),
        ...mode,
      });
    } finally {
      progress.stop();
      interrupt.dispose();
    }
    wallSeconds = (performance.now() - started) / 1000;
    // The shown run goes where the search ran: a plug-in's code never runs on this thread.
    const shown: ShownRunner = pool ?? { label: balancerLabel(scenario.balancer), detailed: async (task) => judgeScheduleDetailed(scenario, task) };
    written = await writeCheckOutputs(dir, scenario, outcome, file, shown, { chart: flags.chart, timing: flags.timing ? wallSeconds : undefined, replay: flags.replay === true });
  } finally {
    await pool?.close();
  }

  if (flags.format === 'json') process.stdout.write(formatCheckJson(outcome, { scenario: scenario.name, file, seed: scenario.seed }));
  else process.stdout.write(formatCheckTable(outcome, scenario.name));
  if (!flags.quiet) {
    const runs = totalRuns(outcome);
    process.stderr.write(`meshsim: ${runs} simulations in ${wallSeconds.toFixed(2)} s (${(runs / wallSeconds).toFixed(0)}/s) on ${threads} thread${threads === 1 ? '' : 's'}; wrote ${written.join(', ')}\n`);
  }
  if (flags.replay) checkReplayMargin(scenario, outcome, flags.quiet === true);
  process.exitCode = CHECK_EXIT[outcome.status];
}

/** "1,521 simulations: the baseline, 1000 of search.runs, …", for the refusal's "× …". */
function describeBudget(budget: SimulationBudget): string {
  const total = budget.baseline + budget.search + budget.shrink + budget.minimality + budget.robustness;
  const parts = [
    budget.search > 0 && `${formatCount(budget.search)} of search.runs`,
    budget.shrink > 0 && `up to ${formatCount(budget.shrink)} to shrink (search.shrinkRuns)`,
    budget.minimality > 0 && `up to ${formatCount(budget.minimality)} for minimality`,
    budget.robustness > 0 && `${formatCount(budget.robustness)} for robustness`,
  ].filter((p): p is string => p !== false);
  return `${plural(total, 'simulation')}: the baseline${parts.map((p) => `, ${p}`).join('')}; and the shown run once more with its events`;
}

/**
 * A budget refused for its size stays refused under a time limit: the budget is what the
 * search promises to judge (a search stopped below search.minRuns is inconclusive), and a time
 * limit makes the outcome depend on the machine. Say how to bound the wall time on purpose.
 */
function timeLimitHint(scenario: Scenario): string {
  const limit = scenario.search?.timeLimit;
  const inconclusive = 'a search stopped before search.minRuns, all its runs by default, is inconclusive (status 4)';
  return limit !== undefined
    ? `search.timeLimit (${formatDuration(limit)}) stops the search sooner: if that wall-clock bound is what you meant, pass --force; ${inconclusive}`
    : `to search for a fixed wall time instead, give --time-limit and pass --force; ${inconclusive}`;
}

/**
 * `--replay` of a file `meshsim check` wrote, unchanged, must find the margin it recorded to
 * the last bit; an edited one (a fault removed, a `--set`) is simply judged as it now is.
 */
function checkReplayMargin(scenario: Scenario, outcome: CheckOutcome, quiet: boolean): void {
  const provenance = scenario.provenance;
  if (provenance === undefined || provenance.margin === null) return;
  const replayed = outcome.counterexample?.judgement.margin ?? outcome.baseline.margin;
  if (Object.is(provenance.margin, replayed)) return;
  if (provenance.fingerprint === scenarioFingerprint(scenario)) {
    throw new Error(`replay gives margin ${replayed}, but the file records ${provenance.margin}: the simulation is not reproducing this scenario`);
  }
  if (!quiet) process.stderr.write(`meshsim: note: the scenario differs from the one meshsim check wrote; margin ${replayed} instead of ${provenance.margin}\n`);
}

/** Where the shown schedule is simulated again with its events: the check's pool, or this thread. */
interface ShownRunner {
  readonly label: string;
  detailed(task: JudgeTask): Promise<DetailedJudgement>;
}

interface WriteOptions {
  readonly chart: boolean;
  readonly timing: number | undefined;
  readonly replay: boolean;
}

async function writeCheckOutputs(dir: string, scenario: Scenario, outcome: CheckOutcome, file: string, shown: ShownRunner, options: WriteOptions): Promise<string[]> {
  const files: Array<readonly [string, string]> = [
    [CHECK_JSON, formatCheckJson(outcome, { scenario: scenario.name, file, seed: scenario.seed, ...(options.timing !== undefined && { timing: { wallSeconds: options.timing } }) })],
  ];
  const c = outcome.counterexample;
  const found: { finding: Finding; stem: string; header: string; path: string | null } | null =
    c !== null
      ? { finding: c, stem: COUNTEREXAMPLE, header: counterexampleHeader(outcome, c, scenario.name), path: c.path }
      : outcome.worst !== null
        ? { finding: outcome.worst, stem: WORST, header: worstHeader(outcome, outcome.worst, scenario.name), path: null }
        : null;
  let chart: { stem: string; spec: TopLevelSpec } | null = null;
  if (found !== null) {
    const judged = findingScenario(scenario, found.finding);
    const run = options.replay ? scenario : { ...judged, provenance: provenanceOf(outcome, found.finding, file, found.path, judged) };
    const detailed = await shownRun(shown, found.finding);
    if (!options.replay) {
      const yaml = formatScenarioYaml(run, found.header);
      assertReproduces(yaml, run);
      files.push([`${found.stem}.yaml`, yaml]);
    }
    const details = [{ label: shown.label, replication: 0, events: detailed.events, timeseries: detailed.timeseries }];
    files.push([EVENTS_CSV, formatEventsCsv(details)], [TIMESERIES_CSV, formatTimeseriesCsv(details)]);
    if (options.chart) chart = { stem: found.stem, spec: chartSpec(run, outcome, found.finding, detailed, shown.label) };
  }
  const output: Array<readonly [string, string | Uint8Array]> = [...files];
  if (chart !== null) {
    const { createChartRenderer } = await import('../report/render.js');
    const renderer = await createChartRenderer();
    const svg = await renderer.toSvg(chart.spec);
    output.push([`${chart.stem}.svg`, svg], [`${chart.stem}.png`, await renderer.toPng(svg)]);
  }
  // Files of another outcome in a folder written before results had a manifest (the manifest
  // takes care of the others): a crash in between leaves fewer files, never contradicting ones.
  const keep = new Set(output.map(([name]) => name));
  for (const name of CHECK_FILE_NAMES) if (!keep.has(name)) rmSync(join(dir, name), { force: true });
  return writeResultFolder(dir, 'check', output);
}

/**
 * The shown run again with events and time series. Its SLO margin must be the one the search
 * judged (the search may have taken the fast path): anything else is a bug, not a result.
 */
async function shownRun(shown: ShownRunner, finding: Finding): Promise<DetailedJudgement> {
  const detailed = await shown.detailed({ faults: finding.faults, replication: 0 });
  const judged: Judgement = finding.judgement;
  if (!Object.is(detailed.judgement.margin, judged.margin)) {
    throw new Error(`the detailed run of the shown schedule gives SLO margin ${detailed.judgement.margin}, the search judged ${judged.margin}`);
  }
  return detailed;
}

/** The written YAML must load back to exactly the scenario judged. */
function assertReproduces(yaml: string, run: Scenario): void {
  const reloaded = resolveScenario(parse(yaml)).scenario;
  if (JSON.stringify(reloaded) !== JSON.stringify(run)) throw new Error('the written scenario does not load back to the scenario that was judged');
}

function chartSpec(run: Scenario, outcome: CheckOutcome, finding: Finding, detailed: DetailedJudgement, label: string) {
  const violated = finding.judgement.guarantees.find((g) => !g.holds);
  const focus = violated ?? finding.judgement.guarantees.reduce((low, g) => (g.margin < low.margin ? g : low));
  const objective = outcome.objectives.find((o) => o.name === focus.name)!;
  const rows = detailed.timeseries;
  const end = rows.length > 0 ? rows[rows.length - 1]!.end : run.duration ?? 0;
  const events = detailed.events.map((e) => ({ ...e, replication: 0, strategy: label }));
  const title = violated !== undefined
    ? `Counterexample: ${focus.name} violated (margin ${formatSignificant(focus.margin, 3)})`
    : `Closest call: ${focus.name} held with margin ${formatSignificant(focus.margin, 3)}`;
  const faults = finding.faults.length === 0 ? 'no faults' : `${finding.faults.length} fault${finding.faults.length === 1 ? '' : 's'}`;
  return checkCounterexampleSpec({
    title,
    subtitle: [`${run.name} · seed ${run.seed} · ${label} · ${faults} · ${describeUnit(objective, focus.worst)}`, 'shaded: faults · outlined: the judged unit that came closest to breaking (red: broken)'],
    timeseries: rows,
    faults: faultWindows(events, end),
    objective,
    windows: detailed.windows[objective.name] ?? null,
    worst: focus.worst,
    violated: violated !== undefined,
  });
}
