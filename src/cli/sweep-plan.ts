/**
 * Resolves every cell of a sweep through the scenario loader before anything runs: each cell
 * is the base scenario with its parameter values applied as `--set` overrides, so a bad value
 * fails the whole sweep at once with a normal input error naming its `--param`, and every
 * shard resolves the same grid (the strategy list then does not depend on the shard). Cells
 * with plug-in balancers get their labels from a worker thread (labelPluginCells), as plug-in
 * code never runs on the main thread.
 */
import './zod-jitless.js';
import type { BalancerConfig } from '../balancers/configs.js';
import { balancerLabel } from '../balancers/registry.js';
import { uniqueLabels } from '../analysis/compare.js';
import { formatProblem, ScenarioError, type ScenarioProblem } from '../scenario/errors.js';
import type { KeyPath } from '../scenario/issues.js';
import { loadScenarioFile } from '../scenario/load.js';
import type { Scenario } from '../scenario/schema.js';
import { cellCoordinates, cellParams, gridSize } from '../sweep/grid.js';
import { usesPlugins, type CellPlan } from '../sweep/run-cells.js';
import type { ParamFlag } from './sweep-params.js';
import { strategiesOf } from './strategies.js';

export interface SweepPlan {
  base: Scenario;
  /** Every cell of the grid, in index order. */
  cells: CellPlan[];
  /** Every strategy label of the grid, in order of first appearance. */
  strategies: string[];
  /** Warnings of the base scenario, then those only some cells have (prefixed with the cell). */
  warnings: string[];
  /** Per cell (in `cells` order): a problem about a key of its scenario, blamed on the `--param` that set it. */
  problemAt: Array<(path: KeyPath, message: string) => ScenarioProblem>;
}

export interface SweepPlanInput {
  file: string;
  /** `--set` arguments, including those made from --seed and --replications. */
  set: readonly string[];
  params: readonly ParamFlag[];
  /** `--balancers`; empty means the scenario's own strategies. */
  balancers: readonly BalancerConfig[];
}

/** A problem blamed on a cell's generated `--set` argument, re-worded to name the `--param`. */
function blameParam(problem: ScenarioProblem, byArgument: ReadonlyMap<string, ParamFlag>): string {
  const param = problem.setArgument === undefined ? undefined : byArgument.get(problem.setArgument);
  if (param !== undefined) {
    const path = problem.path !== undefined && problem.path !== '' ? `${problem.path}: ` : '';
    return `--param ${param.flag}: ${path}${problem.message}`;
  }
  let line = formatProblem(problem);
  for (const [argument, flag] of byArgument) line = line.replaceAll(`--set ${argument}`, `--param ${flag.flag}`);
  return line;
}

function describeCell(params: Record<string, unknown>): string {
  return Object.entries(params)
    .map(([path, value]) => `${path}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

export function resolveSweepPlan(input: SweepPlanInput): SweepPlan {
  const { scenario: base, warnings: baseWarnings } = loadScenarioFile(input.file, { set: input.set });
  const warnings = [...baseWarnings];
  const problems = new Set<string>();
  const cells: CellPlan[] = [];
  const problemAt: SweepPlan['problemAt'] = [];
  const size = gridSize(input.params);
  for (let index = 0; index < size; index++) {
    const coordinates = cellCoordinates(input.params, index);
    const byArgument = new Map<string, ParamFlag>();
    input.params.forEach((p, i) => byArgument.set(`${p.path}=${p.texts[coordinates[i]!]}`, p));
    let scenario: Scenario;
    let locate: (path: KeyPath, message: string) => ScenarioProblem;
    try {
      const loaded = loadScenarioFile(input.file, { set: [...input.set, ...byArgument.keys()] });
      scenario = loaded.scenario;
      locate = (path, message) => ({ message: blameParam(loaded.problemAt(path, message), byArgument) });
      const params = cellParams(input.params, index);
      for (const warning of loaded.warnings) {
        if (!baseWarnings.includes(warning)) warnings.push(`cell ${index} (${describeCell(params)}): ${warning}`);
      }
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      // The same bad value spoils many cells; say it once.
      for (const problem of error.problems) problems.add(blameParam(problem, byArgument));
      continue;
    }
    const strategies = strategiesOf(scenario, input.balancers);
    // Plug-ins are labelled later, on a worker thread (labelPluginCells): their code never runs here.
    const labels = usesPlugins(strategies) ? [] : uniqueLabels(strategies.map(balancerLabel));
    cells.push({ index, params: cellParams(input.params, index), scenario, strategies, labels });
    problemAt.push(locate);
  }
  if (problems.size > 0) throw new ScenarioError([...problems].map((message) => ({ message })));
  warnings.push(...ineffectiveBalancerParams(input, base));
  return { base, cells, strategies: unionOfLabels(cells), warnings, problemAt };
}

/**
 * Labels the cells whose strategies include plug-ins, with `label` (a worker pool's: it imports
 * and checks the modules, and throws their problems as input errors), before anything runs.
 */
export async function labelPluginCells(plan: SweepPlan, label: (cells: CellPlan[]) => Promise<string[][]>): Promise<void> {
  const pluginCells = plan.cells.filter((c) => usesPlugins(c.strategies));
  if (pluginCells.length === 0) return;
  const labels = await label(pluginCells);
  pluginCells.forEach((cell, i) => {
    cell.labels = uniqueLabels(labels[i]!);
  });
  plan.strategies = unionOfLabels(plan.cells);
}

/** Every strategy label of the grid, in order of first appearance. */
function unionOfLabels(cells: readonly CellPlan[]): string[] {
  return [...new Set(cells.flatMap((c) => c.labels))];
}

/** A swept `balancer` path changes nothing when the strategies come from elsewhere: say so. */
function ineffectiveBalancerParams(input: SweepPlanInput, base: Scenario): string[] {
  const source = input.balancers.length > 0 ? '--balancers' : base.compare !== undefined ? 'the `compare:` list' : undefined;
  if (source === undefined) return [];
  return input.params
    .filter((p) => p.path === 'balancer' || p.path.startsWith('balancer.'))
    .map((p) => `--param ${p.flag}: has no effect, because the strategies come from ${source}`);
}
