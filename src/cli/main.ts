/**
 * The `meshsim` command line. The only module with process, terminal and wall-clock access.
 * Exit status: 0 success, 2 invalid input (message, no stack trace), 1 internal error.
 * bin/meshsim.js loads this module's bundle (dist/cli/main.cjs) and calls `main` with the
 * process arguments.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { MESHSIM_VERSION } from '../version.js';
import { reportAndExit } from './errors.js';
import { DEFAULT_PLUGIN_TIMEOUT_MS, parsePluginTimeout } from './plugin-flags.js';
import { DEFAULT_MAX_EVENTS, parseByteSize, parseEventCount } from './resource-limits.js';
import type { BalancersFlags } from './balancers-command.js';
import type { CheckFlags } from './check-command.js';
import type { CompareFlags } from './compare-command.js';
import type { MergeFlags } from './merge-command.js';
import type { ReportFlags } from './report-command.js';
import type { RunFlags } from './run-command.js';
import type { SweepFlags } from './sweep-command.js';
import type { ValidateFamily } from './validate-command.js';

/** Digits only: Number() would take "" as 0, and "0x10" or "1e3" as numbers nobody meant to type. */
const WHOLE_NUMBER = /^\s*\d+\s*$/;

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!WHOLE_NUMBER.test(value) || !Number.isSafeInteger(n) || n < 1) {
      throw new InvalidArgumentError(`${flag} expects a positive integer, found ${JSON.stringify(value)}`);
    }
    return n;
  };
}

function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!WHOLE_NUMBER.test(value) || !Number.isSafeInteger(n)) {
      throw new InvalidArgumentError(`${flag} expects a whole number ≥ 0, found ${JSON.stringify(value)}`);
    }
    return n;
  };
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * The limits of every command that simulates: the pre-run check of work and memory
 * (src/cli/resource-limits.ts) and the plug-in watchdog (src/cli/plugin-watchdog.ts).
 */
function withLimits(command: Command): Command {
  return command
    .option('--max-events <n>', `refuse runs estimated above this many simulated events (default ${DEFAULT_MAX_EVENTS.toExponential()})`, parseEventCount)
    .option('--max-memory <size>', "refuse runs estimated to need more memory, such as 16GB (default: half the machine's memory or V8's heap limit)", parseByteSize)
    .option('--force', 'run even when the estimate is above --max-events or --max-memory')
    .option('--plugin-timeout <duration>', `stop a plug-in balancer call that runs longer (default ${DEFAULT_PLUGIN_TIMEOUT_MS / 1000}s)`, parsePluginTimeout);
}

export function buildProgram(): Command {
  const program = new Command('meshsim')
    .description('Deterministic simulation of service-mesh load balancing and failure recovery')
    .version(MESHSIM_VERSION)
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  withLimits(
    program
      .command('run')
      .description('simulate a scenario and write summary.json and summary.csv')
      .argument('<scenario>', 'scenario file (YAML or JSON)')
      .option('-o, --out <dir>', 'output folder (default: out/<scenario name>)')
      .option('--set <key=value>', 'override a scenario key by dotted path; repeatable', collect, [])
      .option('--seed <n>', 'base seed (overrides the scenario)', nonNegativeInt('--seed'))
      .option('--replications <n>', 'independent replications (overrides the scenario)', positiveInt('--replications'))
      .addOption(new Option('--format <format>', 'what to print on stdout').choices(['table', 'json']).default('table'))
      .option('-q, --quiet', 'no progress bar and no warnings on stderr')
      .option('--timing', 'print the wall time of the simulation and its rate on stderr')
      .option('--timeseries', 'write events.csv and timeseries.csv even without faults or detectors')
      .option('--report', 'also write charts and report.html into <out>/report (see meshsim report)')
  )
    .action(async (file: string, flags: RunFlags) => (await import('./run-command.js')).runCommand(file, flags));

  withLimits(
    program
      .command('compare')
      .description('run several strategies under common random numbers and compare each with a baseline')
      .argument('<scenario>', 'scenario file (YAML or JSON)')
      .option('--balancers <specs>', 'strategies: kinds or YAML mappings, comma-separated; repeatable (default: the scenario\'s compare list)', collect, [])
      .option('--baseline <label>', 'the strategy the others are compared with (default: the first)')
      .option('--metric <path>', 'any metric path: breaks ties in the ranking after the SLO and availability', 'latency.p99')
      .option('-o, --out <dir>', 'output folder (default: out/<scenario name>-compare)')
      .option('--set <key=value>', 'override a scenario key by dotted path; repeatable', collect, [])
      .option('--seed <n>', 'base seed (overrides the scenario)', nonNegativeInt('--seed'))
      .option('--replications <n>', 'independent replications (overrides the scenario)', positiveInt('--replications'))
      .addOption(new Option('--format <format>', 'what to print on stdout').choices(['table', 'json']).default('table'))
      .option('-q, --quiet', 'no progress bar and no warnings on stderr')
      .option('--report', 'also write charts and report.html into <out>/report (see meshsim report)')
  )
    .action(async (file: string, flags: CompareFlags) => (await import('./compare-command.js')).compareCommand(file, flags));

  withLimits(
    program
      .command('sweep')
      .description('run a grid of scenario parameter values x strategies x replications on worker threads')
      .argument('<scenario>', 'scenario file (YAML or JSON)')
      .option('--param <path=v1,v2,...>', 'a scenario path and its values; repeatable (the grid is their product)', collect, [])
      .option('--balancers <specs>', 'strategies: kinds or YAML mappings, comma-separated; repeatable (default: compare list, else balancer)', collect, [])
      .option('--workers <n>', 'worker threads (default: the available cores)', positiveInt('--workers'))
      .option('--shard <i/n>', 'run only the cells whose index mod n is i-1 (for `meshsim merge`)')
      .option('-o, --out <dir>', 'output folder (default: out/<scenario name>-sweep)')
      .option('--set <key=value>', 'override a scenario key by dotted path; repeatable', collect, [])
      .option('--seed <n>', 'base seed (overrides the scenario)', nonNegativeInt('--seed'))
      .option('--replications <n>', 'independent replications (overrides the scenario)', positiveInt('--replications'))
      .option('-q, --quiet', 'no progress bar and no warnings on stderr')
      .option('--report', 'also write charts and report.html into <out>/report (see meshsim report)')
  )
    .action(async (file: string, flags: SweepFlags) => (await import('./sweep-command.js')).sweepCommand(file, flags));

  withLimits(
    program
      .command('check')
      .description("search the scenario's faultSpace for the smallest fault schedule that breaks its SLO (exit 0 held, 3 violated, 4 inconclusive)")
      .argument('<scenario>', 'scenario file (YAML or JSON) with `slo:` and `faultSpace:`')
      .option('--runs <n>', 'simulations for the random and targeted phases (overrides search.runs)', positiveInt('--runs'))
      .option('--time-limit <duration>', 'wall-clock cap such as 60s (overrides search.timeLimit; results then depend on the machine)')
      .option('--seed <n>', 'search seed (overrides search.seed; the scenario seed stays the simulation seed)', nonNegativeInt('--seed'))
      .option('--min-runs <n>', 'a search stopped early is inconclusive below this many runs (default: all of them)', nonNegativeInt('--min-runs'))
      .option('--path <path>', 'replay a fast-check path from check.json (with the search seed) instead of searching')
      .option('--no-shrink', 'report the first violating schedule as found')
      .option('--replay', "judge the scenario's own faults (a counterexample.yaml) instead of searching")
      .option('--guarantee <name>', 'judge only this objective of the SLO; repeatable', collect, [])
      .option('--workers <n>', 'worker threads (default: the available cores)', positiveInt('--workers'))
      .option('-o, --out <dir>', 'output folder (default: out/<scenario name>-check)')
      .option('--set <key=value>', 'override a scenario key by dotted path; repeatable', collect, [])
      .addOption(new Option('--format <format>', 'what to print on stdout').choices(['table', 'json']).default('table'))
      .option('--no-chart', 'skip the SVG and PNG chart')
      .option('--timing', 'add the wall-clock time to check.json (which is then not byte-identical between runs)')
      .option('-q, --quiet', 'no progress bar and no warnings on stderr')
  )
    .action(async (file: string, flags: CheckFlags) => (await import('./check-command.js')).checkCommand(file, flags));

  program
    .command('merge')
    .description('join the output folders of `sweep --shard` into the unsharded result')
    .argument('<dirs...>', 'shard output folders')
    .option('-o, --out <dir>', 'folder for the merged result (required)')
    .option('-q, --quiet', 'no summary on stderr')
    .action(async (dirs: string[], flags: MergeFlags) => (await import('./merge-command.js')).mergeCommand(dirs, flags));

  program
    .command('report')
    .description('draw charts (SVG, PNG) and a self-contained report.html from a results folder')
    .argument('<dir>', 'output folder of meshsim run, compare or sweep')
    .option('-o, --out <dir>', 'where to write the report (default: <dir>/report)')
    .option('--metric <path>', 'also chart this metric (any metric path) versus the parameter, or by strategy')
    .option('-q, --quiet', 'nothing on stderr unless something fails')
    .option('--timing', 'print the time each stage took on stderr')
    .action(async (dir: string, flags: ReportFlags) => (await import('./report-command.js')).reportCommand(dir, flags));

  program
    .command('validate')
    .description("check the engine against queueing theory (M/M/1, M/M/c, M/G/1, supermarket model, JSQ, JIQ) and meshsim check against planted weaknesses")
    .option('--quick', 'smaller samples and wider tolerances (seconds instead of minutes)')
    .addOption(new Option('--family <family>', 'which checks: queueing theory, guarantee search, or both').choices(['queueing', 'search', 'all']).default('all'))
    .addOption(
      new Option('--engine <engine>', 'queueing checks on auto: the fast path where it applies (every check here); full: the full simulation, as runs with faults take')
        .choices(['auto', 'full'])
        .default('auto'),
    )
    .action(async (flags: { quick?: boolean; family?: ValidateFamily; engine: 'auto' | 'full' }) => (await import('./validate-command.js')).validateCommand(flags));

  program
    .command('balancers')
    .description('list every balancer kind with its options, defaults and upstream source')
    .argument('[kinds...]', 'only these kinds')
    .addOption(new Option('--format <format>', 'what to print on stdout').choices(['table', 'json']).default('table'))
    .action(async (kinds: string[], flags: BalancersFlags) => (await import('./balancers-command.js')).balancersCommand(kinds, flags));

  program
    .command('schema')
    .description('print the JSON Schema of scenario files')
    .action(async () => (await import('./schema-command.js')).schemaCommand());
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv as string[], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; anything else commander rejects is bad usage.
      if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
        process.exitCode = 0;
        return;
      }
      process.exitCode = 2;
      return;
    }
    reportAndExit(error);
  }
}
