/**
 * The one error type of the scenario boundary. Every problem found in a scenario, its
 * `--set` arguments or its data files becomes one line of the message, so the CLI can print
 * `error.message` as is (exit status 2) and a user fixes everything in one pass.
 */

/** Where a problem is and what it is; `message` is the human part after the location. */
export interface ScenarioProblem {
  /** The file to blame (scenario or data file), as the user named it. */
  readonly file?: string;
  /** 1-based line and column in `file`, when known. */
  readonly line?: number;
  readonly column?: number;
  /** The `--set KEY=VALUE` argument to blame instead of a file. */
  readonly setArgument?: string;
  /** Dotted key path into the scenario (`service.instances`), empty for the whole scenario. */
  readonly path?: string;
  readonly message: string;
}

export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly problems: readonly ScenarioProblem[];

  constructor(problems: readonly ScenarioProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}

/** `file:line:col: path: message`, or `--set K=V: path: message`; absent parts are left out. */
export function formatProblem(problem: ScenarioProblem): string {
  const parts: string[] = [];
  if (problem.setArgument !== undefined) {
    parts.push(`--set ${problem.setArgument}`);
  } else if (problem.file !== undefined && problem.file !== '') {
    let where = problem.file;
    if (problem.line !== undefined) where += `:${problem.line}`;
    if (problem.line !== undefined && problem.column !== undefined) where += `:${problem.column}`;
    parts.push(where);
  }
  if (problem.path !== undefined && problem.path !== '') parts.push(problem.path);
  parts.push(problem.message);
  return parts.join(': ');
}

/**
 * Orders problems as a reader meets them: `--set` arguments first, in the order given, then by
 * file, line and column; problems without a position keep their order.
 */
export function sortProblems(problems: readonly ScenarioProblem[], setArguments: readonly string[] = []): ScenarioProblem[] {
  const setRank = (p: ScenarioProblem): number =>
    p.setArgument === undefined ? Infinity : Math.max(0, setArguments.lastIndexOf(p.setArgument));
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => {
      const ra = setRank(a.p);
      const rb = setRank(b.p);
      if (ra !== rb) return ra < rb ? -1 : 1;
      if (a.p.file === b.p.file && a.p.line !== undefined && b.p.line !== undefined) {
        return a.p.line - b.p.line || (a.p.column ?? 0) - (b.p.column ?? 0) || a.i - b.i;
      }
      return a.i - b.i;
    })
    .map(({ p }) => p);
}
