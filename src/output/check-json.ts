/**
 * check.json: what `meshsim check` concluded and how. Byte-identical for the same scenario,
 * search seed and budget, whatever the number of worker threads: it holds no wall-clock time
 * unless asked for (`timing`, from `--timing`), as a search cut short by a time limit or
 * Ctrl-C is the one case that may differ between machines (`search.deterministic: false`).
 */
import type { Counterexample, CheckOutcome } from '../check/search.js';
import type { Finding } from '../check/coverage.js';
import type { GuaranteeJudgement, Judgement } from '../check/judge.js';
import { objectiveText, type SloObjective } from '../slo/objective.js';
import { MESHSIM_VERSION } from '../version.js';
import { jsonText } from './json-text.js';

export const CHECK_JSON = 'check.json';

/** Where the check came from and what its wall clock said (not part of the deterministic result). */
export interface CheckContext {
  readonly scenario: string;
  /** The scenario file as given on the command line. */
  readonly file: string;
  /** The simulation seed (the scenario's). */
  readonly seed: number;
  readonly timing?: { readonly wallSeconds: number };
}

function guaranteeRows(objectives: readonly SloObjective[], guarantees: readonly GuaranteeJudgement[]) {
  return guarantees.map((g) => {
    const objective = objectives.find((o) => o.name === g.name);
    return {
      name: g.name,
      objective: objective === undefined ? g.name : objectiveText(objective),
      holds: g.holds,
      margin: g.margin,
      judged: g.judged,
      violations: g.violations,
      worst: g.worst,
    };
  });
}

function brief(judgement: Judgement) {
  return {
    holds: judgement.holds,
    margin: judgement.margin,
    guarantees: judgement.guarantees.map((g) => ({ name: g.name, holds: g.holds, margin: g.margin })),
  };
}

function finding(f: Finding) {
  return { faults: f.faults, margin: f.judgement.margin, phase: f.phase, runIndex: f.runIndex };
}

function counterexampleJson(c: Counterexample) {
  return {
    faults: c.faults,
    margin: c.judgement.margin,
    violated: c.violated,
    phase: c.phase,
    runIndex: c.runIndex,
    path: c.path,
    value: c.value,
    found: { ...finding(c.found), value: c.found.value },
    shrink: c.shrink,
    oneMinimal: c.oneMinimal,
    removedAfterShrink: c.removedAfterShrink,
    robustness: c.robustness,
  };
}

/** The guarantees as the outcome saw them: in the counterexample, else at their lowest over the search. */
export function outcomeGuarantees(outcome: CheckOutcome): GuaranteeJudgement[] {
  if (outcome.counterexample !== null) return [...outcome.counterexample.judgement.guarantees];
  return outcome.objectives.map((o) => {
    const lowest = outcome.worstPerGuarantee.get(o.name);
    const source = lowest?.judgement ?? outcome.baseline;
    return source.guarantees.find((g) => g.name === o.name)!;
  });
}

export function formatCheckJson(outcome: CheckOutcome, context: CheckContext): string {
  const { search } = outcome;
  // Each guarantee's own lowest margin, and the schedule that reached it.
  const worstPerGuarantee = Object.fromEntries(
    [...outcome.worstPerGuarantee].map(([name, f]) => [name, { ...finding(f), margin: f.judgement.guarantees.find((g) => g.name === name)!.margin }]),
  );
  return jsonText({
    meshsimVersion: MESHSIM_VERSION,
    scenario: context.scenario,
    file: context.file,
    seed: context.seed,
    status: outcome.status,
    guarantees: guaranteeRows(outcome.objectives, outcomeGuarantees(outcome)),
    baseline: brief(outcome.baseline),
    counterexample: outcome.counterexample === null ? null : counterexampleJson(outcome.counterexample),
    worst: outcome.counterexample === null && outcome.worst !== null ? finding(outcome.worst) : null,
    search: {
      seed: search.seed,
      budget: search.settings,
      runs: search.runs,
      distinctSchedules: search.distinctSchedules,
      interrupted: search.interrupted,
      interruptedBy: search.interruptedBy,
      deterministic: search.deterministic,
    },
    coverage:
      outcome.coverage === null
        ? null
        : { ...outcome.coverage, worstMarginPerGuarantee: worstPerGuarantee, violationRateUpper95: outcome.violationRateUpper95 },
    ...(context.timing && {
      timing: {
        wallSeconds: context.timing.wallSeconds,
        runsPerSecond: totalRuns(outcome) / context.timing.wallSeconds,
      },
    }),
  });
}

/** Every simulation the check judged, all phases. */
export function totalRuns(outcome: CheckOutcome): number {
  return Object.values(outcome.search.runs).reduce((a, b) => a + b, 0);
}
